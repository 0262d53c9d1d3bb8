# Веб-интерфейс Entente, русский. Ключи те же, что в en.ftl и zh.ftl (это проверяет тест).
skip-to-content = Перейти к содержанию
nav-label = Разделы
nav-dashboard = Сводка
nav-intel = Разведданные
nav-warnings = Совместные оповещения
nav-register = Реестр
nav-screen = Проверка
nav-federation = Федерация
nav-audit = Журнал аудита
nav-admin = Администрирование
language = Язык
sign-in = Войти
sign-out = Выйти
node-of = узел { $party }
footer = Entente — обмен по грифам каждого государства; каждое чтение и каждая запись вносятся в журнал аудита.
detail = Подробно:
go-back = Назад
nothing-here = Здесь ничего нет.
page-next = Следующая страница
save = Сохранить

role-analyst = аналитик
role-supervisor = руководитель
role-admin = администратор

title-signin = Вход в Entente
title-dashboard = Что требует вашего внимания
title-intel = Разведданные
title-intel-new = Поделиться разведданными
title-object = Объект
title-warnings = Совместные оповещения
title-warning = Совместное оповещение
title-warning-revise = Изменение оповещения
title-warning-new = Новое совместное оповещение
title-register = Реестр включённых в перечень лиц и организаций
title-screen = Проверить имя
title-federation = Федерация
title-audit = Журнал аудита
title-admin = Пользователи и роли
title-refused = Не выполнено
title-not-found = Не найдено

signin-name = Имя пользователя
signin-password = Пароль
signin-hint = Введите имя и пароль, выданные администратором вашего узла.
signin-failed = Неверное имя пользователя или пароль.

month-1 = января
month-2 = февраля
month-3 = марта
month-4 = апреля
month-5 = мая
month-6 = июня
month-7 = июля
month-8 = августа
month-9 = сентября
month-10 = октября
month-11 = ноября
month-12 = декабря

count-warnings = { $count ->
    [one] { $n } оповещение
    [few] { $n } оповещения
    [many] { $n } оповещений
   *[other] { $n } оповещения
}
count-hits = { $count ->
    [one] { $n } обнаружение
    [few] { $n } обнаружения
    [many] { $n } обнаружений
   *[other] { $n } обнаружения
}
count-entries = { $count ->
    [one] { $n } запись
    [few] { $n } записи
    [many] { $n } записей
   *[other] { $n } записи
}
count-matches = { $count ->
    [0] Совпадений нет.
    [one] { $n } совпадение
    [few] { $n } совпадения
    [many] { $n } совпадений
   *[other] { $n } совпадения
}
lag-seconds = { $count ->
    [one] отставание { $n } секунда
    [few] отставание { $n } секунды
    [many] отставание { $n } секунд
   *[other] отставание { $n } секунды
}
never-pulled = ещё ничего не получено
unit-seconds = с

dash-needs-you = Требует вашего внимания
dash-to-acknowledge = Оповещения для подтверждения
dash-to-review = Оповещения на проверку
dash-to-take = Оповещения для отправки или публикации
dash-ours = Оповещения нашего государства
dash-with-hits = С обнаружениями
dash-review-soon = Срок пересмотра в ближайшие 14 дней
dash-new = Новое за неделю
new-objects = { $count ->
    [0] За неделю новых разведданных нет
    [one] { $n } новый объект разведданных за неделю
    [few] { $n } новых объекта разведданных за неделю
    [many] { $n } новых объектов разведданных за неделю
   *[other] { $n } новых объекта разведданных за неделю
}
new-objects-many = Не менее { $n } новых объектов разведданных за неделю
dash-federation = Федерация
chart-weekly = Оповещения и обнаружения за 12 недель
chart-warnings = Оповещения
chart-hits = Обнаружения
chart-lag = Отставание по узлам

filter-status = Состояние
filter-kind = Вид
filter-type = Тип
filter-since = Добавлено с
filter-any = Любой
filter-apply = Применить

col-title = Заголовок
col-kind = Вид
col-status = Состояние
col-issuer = Инициатор
col-review-date = Срок пересмотра
col-hits = Обнаружения
col-modified = Изменено
col-name = Название
col-type = Тип
col-originator = Источник
col-added = Добавлено
col-id = Идентификатор
col-peer = Узел
col-address = Адрес
col-cursor = Получено до
col-lag = Отставание
col-last-pull = Последнее получение
col-last-error = Последняя ошибка
col-when = Когда
col-source = Отправитель
col-object = Объект
col-user = Пользователь
col-role = Роль
col-tokens = Токены
col-change-role = Сменить роль

warnings-none = Нет оповещений, доступных вам.
warning-new = Новое оповещение
warning-draft = Сохранить черновик
acknowledged-by = Подтвердили
awaiting-acknowledgement = Ожидается подтверждение от
timeline = Жизненный цикл оповещения
steps = Доступные действия
subject = Объект оповещения

kind-wanted = розыск
kind-locate = установление местонахождения
kind-missing = пропавший без вести
kind-threat = угроза
kind-modus-operandi = способ действия
kind-watch = наблюдение
kind-unidentified = неустановленное лицо

status-draft = черновик
status-submitted = на проверке
status-accepted = одобрено
status-refused = отклонено
status-published = опубликовано
status-cancelled = отменено
status-expired = истёк срок
status-irregular = нарушен порядок

stage-draft = черновик
stage-submitted = отправлено
stage-published = опубликовано
stage-cancelled = отменено

step-revise = Изменить
step-submit = Отправить на проверку
step-accept = Одобрить
step-refuse = Отклонить
step-publish = Опубликовать
step-extend = Продлить срок пересмотра
step-cancel = Отменить оповещение
step-acknowledge = Подтвердить получение
step-hit = Сообщить об обнаружении
step-follow-up = Добавить в переписку

event-version = Версия
event-accepted = Одобрено секретариатом
event-refused = Отклонено секретариатом
event-hit = Сообщено об обнаружении
event-follow-up = Переписка
event-reminder = Напоминание о пересмотре

field-names = Имена
field-names-lines = Имена (по одному в строке, в любой письменности)
field-birth-dates = Дата рождения
field-nationalities = Гражданство (коды государств)
field-category = Предмет оповещения
field-description = Описание
field-legal-basis = Правовое основание
field-issuing-authority = Выдавший орган
field-action-requested = Запрашиваемые меры
field-contact = Контакт
field-purpose = Цель обработки
field-source = Источник сведений
field-reasons = Основания
field-reason = Причина
field-justification = Обоснование
field-when = Когда (UTC)
field-location = Где
field-action-taken = Принятые меры
field-details = Подробности
field-hit = Обнаружение
field-message = Сообщение
field-marking = Гриф
field-audience = Адресаты
field-pattern = Шаблон (для индикаторов)
field-grading-source = Надёжность источника
field-grading-information = Достоверность сведений
category-person = лицо
category-object = предмет
category-event = событие
category-method = способ действия

type-report = отчёт
type-indicator = индикатор
type-observed-data = наблюдение
type-threat-actor = субъект угрозы
type-note = заметка
type-malware = вредоносная программа
type-attack-pattern = схема атаки
type-campaign = кампания
type-identity = участник
type-sighting = обнаружение
type-relationship = связь
type-x-entente-warning = совместное оповещение
type-x-entente-register-entry = запись реестра

intel-none = Нет доступных вам объектов, отвечающих условиям.
intel-share = Поделиться разведданными
tier-member = государства-члены
tier-observer = наблюдатели
tier-dialogue-partner = партнёры по диалогу
audience-users = Названные пользователи (КОД:имя, обязательно для TLP:RED)
audience-default = по умолчанию для грифа
audience-hint = Не отмечайте ни категории, ни государства, чтобы адресаты определялись грифом.
signature = Подпись
signature-ok = верна, ключ узла { $party }
signature-bad = не подтверждается
versions = Версии
relationships = Ссылается на
pointing-here = Ссылаются сюда
pointing-more = { $count ->
    [one] Показан только последний { $n } объект.
    [few] Показаны только последние { $n } объекта.
    [many] Показаны только последние { $n } объектов.
   *[other] Показаны только последние { $n } объекта.
}
properties = Свойства
as-stix = В формате STIX 2.1

register-none = Нет доступных вам записей.
entry-kind-person = лицо
entry-kind-organization = организация
entry-status-proposed = предложено
entry-status-designated = включено в перечень
entry-status-delisted = исключено из перечня
register-designate = Включить в перечень
register-propose = Предложить запись
register-delist = Исключить из перечня
screen-name = Имя в любой письменности
screen-file-title = Файл с именами
screen-file-hint = CSV с заголовком (id, name; при наличии birth_date и nationality) или JSON Lines с теми же полями. Ответ — CSV: строка на каждое совпадение.
screen-file = Файл
screen-file-run = Проверить файл
screen-file-progress = Проверено имён
screen-file-download = Скачать ответ (CSV)
screen-run = Проверить
score = оценка { $score }
explanation = Почему совпало
part-asked = Запрошено
part-listed = В перечне
part-similarity = Сходство
via-translated = перевод ({ $concept })
via-acronym = по аббревиатуре
via-skeleton = по согласным
part-unmatched = Без пары:
evidence-agrees = совпадает
evidence-differs = не совпадает
evidence-unknown = неизвестно
match-source-register = В реестре
match-source-warning = Объект совместного оповещения

federation-none = Этот узел не получает данные ни от одного узла.
security-events = События безопасности
security-events-none = Событий безопасности нет.
audit-hint = Каждая запись и каждое чтение данных с грифом, от старых к новым, как их записал узел.
audit-head = Подписанная вершина дерева
audit-size = Охвачено записей
audit-root = Корень дерева Меркла
audit-verify = Проверить весь журнал
audit-who = Кто
audit-action = Действие
audit-verified = { $count ->
    [one] Журнал проверен: { $n } запись, все подписанные вершины совпадают.
    [few] Журнал проверен: { $n } записи, все подписанные вершины совпадают.
    [many] Журнал проверен: { $n } записей, все подписанные вершины совпадают.
   *[other] Журнал проверен: { $n } записи, все подписанные вершины совпадают.
}
audit-problems = { $count ->
    [one] Найдена { $n } проблема:
    [few] Найдены { $n } проблемы:
    [many] Найдено { $n } проблем:
   *[other] Найдено { $n } проблемы:
}
audit-entry = Запись
token-new = Выдать токен
token-revoke = Отозвать все токены
token-issued = Новый токен пользователя { $user }; он показывается только сейчас:
admin-hint = Новая роль, новый токен или отзыв действуют со следующего запроса пользователя; каждое действие вносится в журнал аудита. Пользователи добавляются командой `entente user add`.

error-not_found = Здесь нет такого объекта, или он вам недоступен.
error-invalid_input = Переданные данные недопустимы.
error-missing_field = Не заполнен обязательный текст.
error-role_may_not = Ваша роль не позволяет выполнить это действие.
error-not_a_user = Это действие может выполнить только пользователь узла.
error-step_not_allowed = В текущем состоянии оповещения это действие невозможно.
error-not_the_issuer = Это действие может выполнить только узел государства-инициатора.
error-not_in_force = Оповещение не действует.
error-own_warning = Государство не выполняет это действие в отношении собственного оповещения.
error-already_acknowledged = Ваше государство уже подтвердило получение этого оповещения.
error-kind_is_fixed = Вид оповещения изменить нельзя.
error-publication_is_fixed = Гриф и адресатов опубликованного оповещения изменить нельзя.
error-review_date_not_later = Новый срок пересмотра должен быть позже текущего.
error-unknown_verdict = Решение должно быть «одобрено» или «отклонено».
error-no_such_hit = Такого обнаружения по этому оповещению нет.
error-not_in_thread = Ваше государство не участвует в этой переписке.
error-internal = Узел не смог ответить; причина записана в его журнал.
error-forbidden = Это не разрешено.
error-conflict = За это время объект изменил кто-то другой; обновите страницу и повторите.
error-csrf = Срок действия формы истёк. Обновите страницу и повторите.
error-bad-form = Форма заполнена не так, как ожидалось.
error-form-too-large = Форма слишком велика.
error-too_many_requests = Слишком много попыток. Подождите немного и повторите.
error-unavailable = Узел занят. Повторите чуть позже.
error-admins-only = Это доступно только администратору этого узла.
error-refused-object = Узел не сохранил объект.
error-screen-name = Укажите имя не длиннее 500 символов и 24 частей.
error-screen-date = Дата рождения: ГГГГ, ГГГГ-ММ или ГГГГ-ММ-ДД.
error-screen-file = Файл не читается как список имён для проверки.
error-screen-too-many = В файле слишком много имён для одного запроса; разделите его.

# Решения, заявки, действующий устав.
nav-decisions = Решения
nav-charter = Устав
title-decisions = Решения организации
title-decision = Решение
title-decision-new = Предложить решение
title-charter = Действующий устав
decision-new = Предложить решение
decision-propose = Предложить
decision-withdraw = Отозвать решение
count-decisions = { $count ->
    [one] { $n } решение
    [few] { $n } решения
    [many] { $n } решений
   *[other] { $n } решения
}
decisions-none = Решений пока нет.
col-procedure = Процедура
col-effect = Последствие
col-proposer = Предложено
col-deadline = Срок
col-opened = Открыто
col-closed = Закрыто
col-voters = Голосующие государства-члены
col-state = Государство
col-vote = Голос
col-counts = Засчитан
col-tier = Статус
col-entry = Запись
col-decision = Решение
col-by = Кем
tally = Итоги голосования
tally-silent = ещё не ответили
unit-states = гос.
decision-status-open = открыто
decision-status-adopted = принято
decision-status-rejected = отклонено
decision-status-lapsed = истекло
decision-status-withdrawn = отозвано
procedure-consensus = консенсус
procedure-silence = процедура молчания
procedure-consensus-minus-one = консенсус минус один
effect-statement = заявление о позиции
effect-designate = внести в единый список
effect-delist = исключить из единого списка
effect-admit = принять государство или изменить его статус
effect-suspend = приостановить участие государства
effect-reinstate = восстановить участие государства
effect-presidency = изменить порядок председательства
effect-adopt-document = принять документ
effect-adopt-programme = принять программу
effect-fields = Что называет последствие
effect-field-entry_ref = Запись реестра (id)
effect-field-application_ref = Заявка (id)
effect-field-state = Государство
effect-field-name = Название
effect-field-tier = Статус
effect-field-key = Ключ узла
effect-field-order = Порядок председательства (коды государств)
effect-field-epoch_year = Год первого срока
effect-field-document_ref = Документ (id)
effect-field-programme_ref = Программа (id)
vote-approve = за
vote-abstain = воздержался
vote-object = против
ballots = Бюллетени
ballots-none = Бюллетеней пока нет.
ballot-cast = Подать бюллетень вашего государства
ballot-replace = Заменить бюллетень вашего государства
ballot-submit = Подписать и подать
ballot-standing-counts = засчитан
ballot-standing-replaced = заменён более поздним
ballot-standing-not_a_member = не голосующий член
ballot-standing-signed_by_another_state = подписан другим государством
ballot-standing-before_opening = подан до открытия
ballot-standing-decision_closed = подан после закрытия
ballot-standing-cast_in_the_future = датирован будущим
field-statement = Заявление о позиции
field-withdrawal-reason = Причина отзыва
field-node-key = Ключ узла (ed25519:…)
hint-min-silence = { $count ->
    [one] Процедура молчания длится не менее { $n } часа.
    [few] Процедура молчания длится не менее { $n } часов.
    [many] Процедура молчания длится не менее { $n } часов.
   *[other] Процедура молчания длится не менее { $n } часа.
}
presidency = Председательство
presiding-now = Председательствует:
parties = Участники и их статус
party-tier-member = член
party-tier-observer = наблюдатель
party-tier-dialogue-partner = партнёр по диалогу
party-tier-secretariat = секретариат
suspended = участие приостановлено
unified-list = Единый список организации
unified-list-none = В едином списке пока нет записей.
applications = Заявки
applications-none = Заявок нет.
application-new = Подать заявку о приёме или изменении статуса
application-submit = Подать заявку
application-propose = Вынести на решение
error-decision_closed = Решение закрыто: бюллетени больше не принимаются.
error-not_a_member = Бюллетени подают только государства-члены, голосующие по этому решению.
error-not_the_proposer = Отозвать решение может только предложившее его государство.

# Документы и программы.
nav-programmes = Документы и программы
title-programmes = Документы и программы
title-document = Документ
title-programme = Программа
title-programme-new = Подготовить документ или программу
draft-new = Подготовить документ или программу
draft-submit = Сохранить проект
documents = Документы
documents-none = Документов пока нет.
programmes = Программы
programmes-none = Программ пока нет.
document-new = Документ
programme-new = Программа
col-signatures = Подписи
col-ratifications = Ратификации
col-summary = Кратко
document-kind-declaration = декларация
document-kind-convention = конвенция
document-kind-strategy = стратегия
document-kind-agreement = соглашение
document-status-draft = проект
document-status-adopted = принят
document-status-open-for-signature = открыт для подписания
document-status-in-force = в силе
programme-kind-strategy = стратегия
programme-kind-facility = механизм финансирования
adopted-by = Принят решением
ratifications-required = { $count ->
    [one] вступает в силу после { $n } ратификации
    [few] вступает в силу после { $n } ратификаций
    [many] вступает в силу после { $n } ратификаций
   *[other] вступает в силу после { $n } ратификации
}
ratifications-required-field = Число ратификаций для вступления конвенции в силу
document-text = Текст
document-sign = Подписать от имени государства
document-ratify = Ратифицировать от имени государства
period = Период
objectives = Цели
indicators = Показатели
indicators-field = Показатели, по одному в строке: ключ; название; единица; исходное; целевое
baseline = Исходное значение
target = Целевое значение
actuals = Сообщено государствами
report-actual = Сообщить фактическое значение
year = Год
value = Значение
currency = Валюта (ISO 4217)
ledger-total = Всего
ledger-in-place = Задействовано (обязательства)
ledger-committed = обязательства
ledger-disbursed = Выплачено
ledger-confirmed = Подтверждено получателем
ledger-chart = Обязательства и выплаты по получателям
ledger-none = Обязательств пока нет.
iati-export = Выгрузить как транзакции IATI (XML)
commitments = Обязательства
disbursements = Выплаты
project = Проект
beneficiary = Государство-получатель
amount = Сумма
commit = Принять обязательство
disburse = Записать выплату
confirm-receipt = Подтвердить получение
error-not_adopted = Это ещё не принято решением государств-членов.
error-already_done = Это уже сделано или превышает остаток.
error-not_yours = Этот шаг делает другое государство.

# Консультации.
nav-consultations = Консультации
title-consultations = Экстренные консультации
title-consultation = Консультация
title-consultation-new = Запросить помощь
consultation-new = Запросить помощь
consultation-submit = Отправить запрос
consultations-none = Консультаций, адресованных вам, нет.
col-requester = Запросило
col-urgency = Срочность
col-answered = Ответили
col-awaiting = Ожидаются
col-verdict = Решение
col-answer = Ответ
col-outcome = Итог
consultation-status-requested = запрошена
consultation-status-convened = созвана
consultation-status-closed = закрыта
urgency-immediate = немедленно
urgency-urgent = срочно
urgency-routine = в обычном порядке
help-experts = эксперты
help-equipment = оборудование
help-intelligence = разведданные
help-forces = силы
help-funds = средства
help-other = иное
answer-attend = участвует
answer-decline = отказывается
answer-offer = предлагает помощь
verdict-accepted = принято
verdict-declined = отклонено
verdict-pending = не решено
outcome-statement = заявление
outcome-plan = план помощи
outcome-decision = решение
field-situation = Что произошло
field-where = Где
field-country = Страна (код ISO)
field-latitude = Широта
field-longitude = Долгота
field-help = Запрошенная помощь
field-place = Место
field-video-link = Видеосвязь
field-meets-at = Время заседания
field-answer-by = Ответить до
field-invited = Приглашены
field-delegates = Делегаты, по одному в строке
field-quantity = Количество
field-unit = Единица
field-conditions = Условия
field-available = Доступно с
field-duration-days = На сколько дней
field-minutes = Протокол
field-participants = Участники (коды государств)
conference = Совещание
offers = Предложения помощи
offers-none = Предложений пока нет.
not-asked = не запрашивалось
offer-accept = Принять
offer-decline = Отклонить
plan = План помощи
plan-none = Ни одно предложение ещё не принято.
record = Протокол совещания
convene = Созвать совещание
answer-invitation = Ответить на приглашение
answer-submit = Подписать и отправить
close-conference = Записать итог и закрыть
days = { $count ->
    [one] { $n } день
    [few] { $n } дня
    [many] { $n } дней
   *[other] { $n } дня
}
error-deadline_passed = Срок ответа истёк.
consultation-timeline = Хронология
tl-requested = { $who } обратилось за помощью
tl-convened = Генеральный секретарь созвал совещание и пригласил: { $who }
tl-answered = { $who } ответило
tl-reminded = Напоминание не ответившим: { $who }
tl-closed = Совещание записало итог и закрыто
hours-left = { $count ->
    [one] не позднее чем за { $n } час до срока
    [few] не позднее чем за { $n } часа до срока
    [many] не позднее чем за { $n } часов до срока
   *[other] не позднее чем за { $n } часа до срока
}
dash-items = Невыполненные меры по улучшению вашего государства
dash-invitations = Приглашения, ждущие ответа вашего государства

# Учения и совместные операции.
nav-exercises = Учения
title-exercises = Совместные учения и операции
title-exercise = Учения
title-exercise-new = Запланировать учения или операцию
exercise-new = Запланировать учения или операцию
exercise-submit = Подписать и разослать план
exercises-none = С вами не поделились ни одними учениями.
exercise-kind-exercise = учения
exercise-kind-operation = совместная операция
exercise-status-planned = запланированы
exercise-status-under-way = идут
exercise-status-done = завершены
shared-with-organization = вся организация
shared-with-participants = участники и секретариат
shared-with-host = принимающая сторона и секретариат
field-name = Название
field-host = Принимающая сторона
field-dates = Сроки
field-starts = Первый день
field-ends = Последний день
field-scenario = Сценарий
field-objectives = Цели, по одной в строке
field-exercise-participants = Другие государства-участники (коды)
field-participants-count = Участники
field-planner = Кто планировал
field-shared-with = Кому доступно
field-brings = Что предоставляет государство
field-personnel = Личный состав
field-summary = Итоги
field-strengths = Что удалось
field-improvements = Что улучшить
field-item = Мера по улучшению
field-owner = Ответственный
field-due = Срок
after-action = Отчёт по итогам
after-action-none = Пока нет доступных вам разделов отчёта.
items = Меры по улучшению
items-open = Невыполненные меры по улучшению
items-none = Невыполненных мер нет.
item-open = не выполнена
item-closed = выполнена
item-close = Отметить выполненной
item-overdue = просрочена
exercise-join = Что предоставляет ваше государство
exercise-report = Раздел вашего государства

## Карта охраняемой инфраструктуры
nav-map = Карта
title-map = Охраняемая инфраструктура
map-lede = Трубопроводы и другие охраняемые объекты с их охранными коридорами, сообщённые места происшествий и оповещения, поднятые там, где место оказалось внутри коридора.
map-no-outlines = Контуры стран не встроены в эту сборку (выполните scripts/fetch-world-atlas и соберите заново); объекты и места показаны на простой сетке.
map-summary-assets = { $count ->
    [one] { $n } объект
    [few] { $n } объекта
    [many] { $n } объектов
   *[other] { $n } объекта
}
map-summary-alerts = { $count ->
    [one] { $n } оповещение
    [few] { $n } оповещения
    [many] { $n } оповещений
   *[other] { $n } оповещения
}
map-summary-places = { $count ->
    [one] { $n } сообщённое место
    [few] { $n } сообщённых места
    [many] { $n } сообщённых мест
   *[other] { $n } сообщённого места
}
map-corridor = Коридор
map-alerted = оповещение поднято
map-legend-asset = Охраняемый объект
map-legend-corridor = Охранный коридор
map-legend-place = Сообщённое место
map-legend-alerted = Место внутри коридора (оповещение)
map-attribution = Контуры стран: Natural Earth (общественное достояние), из пакета world-atlas.
map-more = Объектов больше, чем помещается на странице; карта показывает последние 500 каждого вида.
map-alerts = Оповещения
map-alerts-none = Нет оповещений, доступных вам.
map-assets = Охраняемые объекты
map-assets-none = Нет охраняемых объектов, доступных вам.
map-places = Сообщённые места
map-places-none = Нет сообщённых мест, доступных вам.
map-col-asset = Объект
map-col-incident = Происшествие
map-col-distance = Расстояние
map-col-km-post = Километровый знак
map-col-alert = Оповещение
map-col-kind = Вид
map-col-owners = Владельцы
map-col-operator = Оператор
map-col-criticality = Значимость
map-open = открыть
asset-kind-pipeline = трубопровод
asset-kind-facility = сооружение
asset-kind-project = проект
asset-criticality-low = низкая
asset-criticality-medium = средняя
asset-criticality-high = высокая
asset-criticality-critical = критическая
field-report-place = Где это произошло (для сообщения)
place-hint = Необязательно: широта и долгота в градусах (WGS 84). Место внутри охранного коридора объекта поднимает оповещение государствам-владельцам.
