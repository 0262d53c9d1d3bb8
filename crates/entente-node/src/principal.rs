//! Who is asking: an authenticated [`Principal`] (a user of the node, a peer's node, or the
//! public), and the reserved name the node itself acts under.

use entente_core::{Role, Viewer};

/// An authenticated principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub viewer: Viewer,
}

impl Principal {
    /// How the audit log and status resources name this principal.
    pub fn name(&self) -> String {
        match &self.viewer {
            Viewer::User { user, role, .. } => format!("user:{user}:{role}"),
            Viewer::Node { party, .. } => format!("peer:{party}"),
            Viewer::Public => "public".into(),
        }
    }

    pub fn role(&self) -> Option<Role> {
        match &self.viewer {
            Viewer::User { role, .. } => Some(*role),
            _ => None,
        }
    }
}

/// The name the node acts under when it acts on its own (what falls due in a workflow: review
/// reminders); no user may take it.
pub const NODE_USER: &str = "entente-node";
