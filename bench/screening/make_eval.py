#!/usr/bin/env python3
"""Builds the screening evaluation set: `register.jsonl` (the list) and `cases.jsonl` (labelled
queries), deterministically, from the hand-written name tables below.

The tables are our own: each name with its native spelling and the Latin spellings found in
passports, news and sanctions lists. They are independent of the screening crate's
transliteration tables, so the evaluation does not grade the crate against itself.

Each case is an input line of `entente screen` plus `category` and `expect` (the entry id a
correct screener must return, or null for a hard negative, which must match nothing).

    python3 bench/screening/make_eval.py        # rewrites bench/screening/*.jsonl
    python3 bench/screening/make_eval.py --seed 7 --out /tmp/heldout   # another draw

Another seed draws other people, spellings and typing mistakes from the same tables: a check
that a change tuned on the committed set holds on a draw it was not tuned on.

Run it again only to change the set; `entente screen-eval` reads the committed files.
"""

import argparse
import json
import random
from pathlib import Path

args = argparse.ArgumentParser()
args.add_argument("--seed", type=int, default=20261123)
args.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
args.add_argument("--filler", type=int, default=20000,
                  help="how many unrelated people to add to the register (default 20,000)")
args.add_argument("--filler-names", type=Path,
                  help="draw the filler's names from this rigour person_names.txt (real names of every"
                       " origin, minus every group holding a name of the tables above) instead of syllables")
args = args.parse_args()
HERE = args.out
HERE.mkdir(parents=True, exist_ok=True)
rng = random.Random(args.seed)

# (native, [Latin spellings, the first as a list would give it], sex)
RU_GIVEN = [
    ("Игорь", ["Igor"], "m"), ("Евгений", ["Yevgeny", "Evgeniy", "Evgenii", "Yevgeniy"], "m"),
    ("Алексей", ["Aleksey", "Alexey", "Alexei", "Aleksei"], "m"),
    ("Сергей", ["Sergey", "Sergei", "Sergej"], "m"),
    ("Дмитрий", ["Dmitry", "Dmitriy", "Dmitri", "Dmitrii"], "m"),
    ("Андрей", ["Andrey", "Andrei", "Andrej"], "m"),
    ("Юрий", ["Yuriy", "Yuri", "Iurii", "Yury"], "m"),
    ("Николай", ["Nikolay", "Nikolai", "Nicolai"], "m"),
    ("Михаил", ["Mikhail", "Michail", "Mihail"], "m"),
    ("Владимир", ["Vladimir", "Wladimir"], "m"),
    ("Александр", ["Aleksandr", "Alexander", "Alexandr"], "m"),
    ("Вячеслав", ["Vyacheslav", "Viacheslav", "Wjatscheslaw"], "m"),
    ("Фёдор", ["Fyodor", "Fedor", "Feodor"], "m"),
    ("Григорий", ["Grigory", "Grigoriy", "Grigorii"], "m"),
    ("Аркадий", ["Arkady", "Arkadiy", "Arkadii"], "m"),
    ("Виталий", ["Vitaly", "Vitaliy", "Vitalii"], "m"),
    ("Максим", ["Maksim", "Maxim"], "m"), ("Олег", ["Oleg"], "m"),
    ("Павел", ["Pavel"], "m"), ("Пётр", ["Pyotr", "Petr", "Piotr"], "m"),
    ("Елена", ["Yelena", "Elena", "Jelena"], "f"),
    ("Наталья", ["Natalya", "Natalia", "Natalja"], "f"),
    ("Юлия", ["Yuliya", "Yulia", "Iuliia", "Julia"], "f"),
    ("Татьяна", ["Tatyana", "Tatiana", "Tatjana"], "f"),
    ("Ксения", ["Kseniya", "Ksenia", "Xenia"], "f"),
]
RU_PATRONYMIC = [
    ("Владимирович", "Владимировна", "Vladimirovich", "Vladimirovna"),
    ("Сергеевич", "Сергеевна", "Sergeyevich", "Sergeyevna"),
    ("Александрович", "Александровна", "Aleksandrovich", "Aleksandrovna"),
    ("Николаевич", "Николаевна", "Nikolayevich", "Nikolayevna"),
    ("Иванович", "Ивановна", "Ivanovich", "Ivanovna"),
    ("Петрович", "Петровна", "Petrovich", "Petrovna"),
    ("Юрьевич", "Юрьевна", "Yuryevich", "Yuryevna"),
    ("Михайлович", "Михайловна", "Mikhaylovich", "Mikhaylovna"),
]
# (native masculine, [Latin masculine spellings]); feminine adds а / a except -енко, -ко.
RU_SURNAME = [
    ("Моргулов", ["Morgulov"]), ("Сысоев", ["Sysoyev", "Sysoev"]),
    ("Хабаров", ["Khabarov", "Habarov", "Chabarow"]), ("Журавлёв", ["Zhuravlyov", "Zhuravlev"]),
    ("Щербаков", ["Shcherbakov", "Scherbakov", "Shherbakov"]),
    ("Чернышёв", ["Chernyshyov", "Chernyshev", "Tschernyschow"]),
    ("Ковалёв", ["Kovalyov", "Kovalev", "Kowaljow"]),
    ("Воробьёв", ["Vorobyov", "Vorobiev", "Vorobyev"]), ("Белоусов", ["Belousov"]),
    ("Кузнецов", ["Kuznetsov", "Kuznecov", "Kusnezow"]),
    ("Зайцев", ["Zaytsev", "Zaitsev", "Zajcev"]), ("Соловьёв", ["Solovyov", "Soloviev"]),
    ("Григорьев", ["Grigoryev", "Grigoriev", "Grigorjev"]),
    ("Фёдоров", ["Fyodorov", "Fedorov"]), ("Яковлев", ["Yakovlev", "Iakovlev", "Jakowlew"]),
    ("Ефимов", ["Yefimov", "Efimov"]), ("Голованов", ["Golovanov"]),
    ("Тимофеев", ["Timofeyev", "Timofeev"]), ("Шевченко", ["Shevchenko", "Schewtschenko"]),
    ("Кравченко", ["Kravchenko", "Krawtschenko"]), ("Жуков", ["Zhukov", "Zhoukov"]),
    ("Никитин", ["Nikitin"]), ("Орлов", ["Orlov", "Orlow"]), ("Волков", ["Volkov", "Wolkow"]),
    ("Лебедев", ["Lebedev", "Lebedew"]), ("Семёнов", ["Semyonov", "Semenov"]),
    ("Пономарёв", ["Ponomaryov", "Ponomarev"]), ("Дьяченко", ["Dyachenko", "Diachenko"]),
    ("Хохлов", ["Khokhlov", "Hohlov"]), ("Вершинин", ["Vershinin", "Werschinin"]),
]

# Central Asian: (native Cyrillic, [Latin spellings]).
KZ_GIVEN = [
    ("Қасым", ["Kassym", "Kasym", "Qasym"]), ("Нұрлан", ["Nurlan"]), ("Ерлан", ["Yerlan", "Erlan"]),
    ("Асқар", ["Askar", "Asqar"]), ("Дәурен", ["Dauren"]), ("Ержан", ["Yerzhan", "Erzhan", "Erjan"]),
    ("Бауыржан", ["Bauyrzhan", "Baurzhan", "Bauyrjan"]), ("Жанболат", ["Zhanbolat", "Janbolat"]),
    ("Ғалым", ["Galym", "Ghalym"]), ("Серік", ["Serik"]), ("Айгүл", ["Aigul", "Aygul"]),
    ("Гүлнар", ["Gulnar"]), ("Мұрат", ["Murat"]), ("Дархан", ["Darkhan", "Darhan"]),
]
KZ_SURNAME = [
    ("Тоқаев", ["Tokayev", "Tokaev", "Toqaev"]), ("Назарбаев", ["Nazarbayev", "Nazarbaev"]),
    ("Жұмабеков", ["Zhumabekov", "Jumabekov"]), ("Сәрсенбаев", ["Sarsenbayev", "Sarsenbaev"]),
    ("Құдайбергенов", ["Kudaibergenov", "Kudaybergenov", "Qudaibergenov"]),
    ("Әбілов", ["Abilov"]), ("Ерғалиев", ["Yergaliyev", "Ergaliev"]), ("Оспанов", ["Ospanov"]),
    ("Сейітов", ["Seitov", "Seyitov"]), ("Бекмұхамбетов", ["Bekmukhambetov", "Bekmuhambetov"]),
    ("Смайылов", ["Smaiylov", "Smailov"]), ("Қойшыбаев", ["Koishybayev", "Koishybaev", "Qoishybaev"]),
]
UZ_GIVEN = [
    ("Шавкат", ["Shavkat"]), ("Ғайратжон", ["Gayratjon", "Gairatjon", "G'ayratjon"]),
    ("Ўткир", ["Utkir", "O'tkir"]), ("Жамшид", ["Jamshid", "Zhamshid", "Djamshid"]),
    ("Бахтиёр", ["Bakhtiyor", "Baxtiyor", "Bakhtiyar"]), ("Улуғбек", ["Ulugbek", "Ulug'bek"]),
    ("Дилшод", ["Dilshod"]), ("Фарҳод", ["Farhod", "Farkhod"]), ("Нодира", ["Nodira"]),
    ("Зарина", ["Zarina"]), ("Отабек", ["Otabek"]), ("Шуҳрат", ["Shuhrat", "Shukhrat"]),
]
UZ_SURNAME = [
    ("Мирзиёев", ["Mirziyoyev", "Mirziyoev"]), ("Қодиров", ["Kodirov", "Qodirov"]),
    ("Тошматов", ["Toshmatov"]), ("Усмонов", ["Usmonov", "Usmanov"]),
    ("Раҳимов", ["Rahimov", "Rakhimov"]), ("Холматов", ["Kholmatov", "Xolmatov", "Holmatov"]),
    ("Юсупов", ["Yusupov", "Iusupov", "Jusupov"]), ("Абдуллаев", ["Abdullayev", "Abdullaev"]),
    ("Саидов", ["Saidov"]), ("Эргашев", ["Ergashev"]), ("Норматов", ["Normatov"]),
]
TJ_GIVEN = [
    ("Эмомалӣ", ["Emomali"]), ("Рустам", ["Rustam"]), ("Ҷамшед", ["Jamshed", "Dzhamshed"]),
    ("Фаррух", ["Farrukh", "Farruh"]), ("Шерзод", ["Sherzod"]), ("Зафар", ["Zafar"]),
    ("Ҳасан", ["Hasan", "Khasan"]), ("Меҳрубон", ["Mehrubon", "Mekhrubon"]),
    ("Саъдӣ", ["Sadi", "Sa'di"]), ("Фирӯз", ["Firuz", "Firouz"]),
]
TJ_SURNAME = [
    ("Раҳмонов", ["Rahmonov", "Rakhmonov"]), ("Ҳамидов", ["Hamidov", "Khamidov"]),
    ("Назаров", ["Nazarov"]), ("Қурбонов", ["Qurbonov", "Kurbonov"]), ("Шарипов", ["Sharipov"]),
    ("Ҷӯраев", ["Juraev", "Dzhuraev", "Jurayev"]), ("Сатторов", ["Sattorov"]),
    ("Зиёев", ["Ziyoev", "Ziyoyev"]), ("Мирзоев", ["Mirzoev", "Mirzoyev"]),
]
KG_GIVEN = [
    ("Садыр", ["Sadyr"]), ("Алмазбек", ["Almazbek"]), ("Жээнбек", ["Jeenbek", "Zheenbek"]),
    ("Улан", ["Ulan"]), ("Бакыт", ["Bakyt", "Bakit"]), ("Айбек", ["Aibek", "Aybek"]),
    ("Камчыбек", ["Kamchybek", "Kamchibek"]), ("Нурбек", ["Nurbek"]),
]
KG_SURNAME = [
    ("Жапаров", ["Japarov", "Zhaparov"]), ("Атамбаев", ["Atambayev", "Atambaev"]),
    ("Ташиев", ["Tashiev", "Tashiyev"]), ("Эсенгулов", ["Esengulov", "Yesengulov"]),
    ("Мамытов", ["Mamytov", "Mamitov"]), ("Токтогулов", ["Toktogulov"]),
    ("Осмоналиев", ["Osmonaliev", "Osmonaliyev"]),
]

# Chinese: (characters, pinyin, Wade-Giles or Cantonese Latin)
ZH_SURNAME = [
    ("张", "Zhang", "Chang"), ("王", "Wang", "Wang"), ("李", "Li", "Lee"), ("刘", "Liu", "Liu"),
    ("陈", "Chen", "Chan"), ("杨", "Yang", "Yang"), ("黄", "Huang", "Wong"), ("赵", "Zhao", "Chao"),
    ("周", "Zhou", "Chou"), ("吴", "Wu", "Ng"), ("徐", "Xu", "Hsu"), ("孙", "Sun", "Sun"),
    ("马", "Ma", "Ma"), ("朱", "Zhu", "Chu"), ("胡", "Hu", "Hu"), ("郭", "Guo", "Kuo"),
    ("何", "He", "Ho"), ("林", "Lin", "Lam"), ("罗", "Luo", "Lo"), ("郑", "Zheng", "Cheng"),
    ("梁", "Liang", "Leung"), ("谢", "Xie", "Hsieh"), ("宋", "Song", "Sung"), ("唐", "Tang", "Tang"),
    ("韩", "Han", "Han"), ("冯", "Feng", "Fung"), ("邓", "Deng", "Teng"), ("曹", "Cao", "Tsao"),
    ("彭", "Peng", "Peng"), ("曾", "Zeng", "Tseng"), ("程", "Cheng", "Cheng"), ("单", "Shan", "Shan"),
    ("欧阳", "Ouyang", "Auyeung"), ("司马", "Sima", "Szuma"), ("解", "Xie", "Hsieh"),
]
# (characters, pinyin, Wade-Giles)
ZH_GIVEN = [
    ("国平", "Guoping", "Kuo-ping"), ("建华", "Jianhua", "Chien-hua"),
    ("志强", "Zhiqiang", "Chih-chiang"), ("海峰", "Haifeng", "Hai-feng"),
    ("晓明", "Xiaoming", "Hsiao-ming"), ("文杰", "Wenjie", "Wen-chieh"),
    ("永刚", "Yonggang", "Yung-kang"), ("伟", "Wei", "Wei"), ("敏", "Min", "Min"),
    ("丽华", "Lihua", "Li-hua"), ("秀英", "Xiuying", "Hsiu-ying"), ("俊杰", "Junjie", "Chun-chieh"),
    ("德明", "Deming", "Te-ming"), ("立新", "Lixin", "Li-hsin"), ("春生", "Chunsheng", "Chun-sheng"),
    ("红梅", "Hongmei", "Hung-mei"), ("振华", "Zhenhua", "Chen-hua"), ("学军", "Xuejun", "Hsueh-chun"),
    ("东升", "Dongsheng", "Tung-sheng"), ("宏伟", "Hongwei", "Hung-wei"), ("鹏", "Peng", "Peng"),
    ("金龙", "Jinlong", "Chin-lung"), ("子豪", "Zihao", "Tzu-hao"), ("嘉怡", "Jiayi", "Chia-yi"),
]

# Arabic and Persian: (script, [Latin spellings])
AR_GIVEN = [
    ("محمد", ["Muhammad", "Mohammed", "Mohamed", "Mohammad"]), ("أحمد", ["Ahmad", "Ahmed"]),
    ("عبد الله", ["Abdullah", "Abdallah", "Abd Allah"]), ("عمر", ["Omar", "Umar"]),
    ("علي", ["Ali"]), ("حسن", ["Hassan", "Hasan"]), ("حسين", ["Hussein", "Husayn", "Hussain"]),
    ("خالد", ["Khalid", "Khaled"]), ("يوسف", ["Yusuf", "Youssef", "Yousef"]),
    ("إبراهيم", ["Ibrahim", "Ebrahim"]), ("مصطفى", ["Mustafa", "Moustafa", "Mostafa"]),
    ("عبد الرحمن", ["Abdulrahman", "Abd al-Rahman", "Abdel Rahman"]),
    ("سعيد", ["Saeed", "Said", "Sa'id"]), ("جمال", ["Jamal", "Gamal"]), ("طارق", ["Tariq", "Tarek"]),
    ("فاطمة", ["Fatima", "Fatma"]), ("عائشة", ["Aisha", "Aicha"]),
]
AR_FAMILY = [
    ("الحسيني", ["al-Husseini", "Al Husseini", "El Husseini"]), ("المصري", ["al-Masri", "El Masry"]),
    ("البغدادي", ["al-Baghdadi", "Al Baghdadi"]), ("الشامي", ["al-Shami", "Al Chami"]),
    ("القحطاني", ["al-Qahtani", "Al Kahtani"]), ("الزهراني", ["al-Zahrani", "Al Zahrani"]),
    ("العمري", ["al-Omari", "Al Umari"]), ("الأنصاري", ["al-Ansari", "El Ansari"]),
    ("التميمي", ["al-Tamimi", "Al Tamimi"]), ("حداد", ["Haddad"]), ("منصور", ["Mansour", "Mansur"]),
    ("خوري", ["Khoury", "Khouri"]), ("نصر الله", ["Nasrallah", "Nasrullah"]),
    ("الخطيب", ["al-Khatib", "El Khatib"]), ("العبيدي", ["al-Obaidi", "Al Ubaydi"]),
    ("الجبوري", ["al-Jubouri", "Al Jaburi"]), ("الدوسري", ["al-Dosari", "Al Dossary"]),
]
FA_GIVEN = [
    ("رضا", ["Reza"]), ("مهدی", ["Mehdi", "Mahdi"]), ("کوروش", ["Kourosh", "Kurosh"]),
    ("محمدرضا", ["Mohammadreza", "Mohammad Reza"]), ("مجید", ["Majid", "Madjid"]),
    ("بهروز", ["Behrouz", "Behruz"]), ("فرهاد", ["Farhad"]),
]
FA_SURNAME = [
    ("احمدی", ["Ahmadi"]), ("تهرانی", ["Tehrani"]), ("رضایی", ["Rezaei", "Rezai"]),
    ("کریمی", ["Karimi"]), ("موسوی", ["Mousavi", "Musavi"]), ("جعفری", ["Jafari", "Jafary"]),
    ("صادقی", ["Sadeghi", "Sadeqi"]), ("نوروزی", ["Nowruzi", "Norouzi"]),
]

# Organizations: (Latin name words, native name or None, country)
ORGS = [
    ("Vostok Trading", "Восток Трейдинг", "RU"), ("Altyn Invest", "Алтын Инвест", "KZ"),
    ("Severnyi Potok Logistika", "Северный Поток Логистика", "RU"),
    ("Baikal Stroi Montazh", "Байкал Строй Монтаж", "RU"), ("Tengri Capital", "Тенгри Капитал", "KZ"),
    ("Samarkand Tekstil", "Самарканд Текстиль", "UZ"), ("Pamir Energo", "Памир Энерго", "TJ"),
    ("Ala Too Import", "Ала Тоо Импорт", "KG"), ("Orda Security", "Орда Секьюрити", "KZ"),
    ("Sibirskaya Neftyanaya Kompaniya", "Сибирская Нефтяная Компания", "RU"),
    ("Khimprom Export", "Химпром Экспорт", "RU"), ("Nur Zhol Transit", "Нұр Жол Транзит", "KZ"),
    ("Tianshan Maoyi", "天山贸易", "CN"), ("Huaxin Keji", "华信科技", "CN"),
    ("Jinlong Wuliu", "金龙物流", "CN"), ("Hongxing Huagong", "红星化工", "CN"),
    ("Dongfang Jingmao", "东方经贸", "CN"), ("Xinhai Touzi", "鑫海投资", "CN"),
    ("Al Noor Exchange", "شركة النور للصرافة", "AE"), ("Al Amal Charity", "جمعية الأمل الخيرية", "SY"),
    ("Al Furqan Foundation", "مؤسسة الفرقان", "IQ"), ("Dar Al Salam Trading", "دار السلام للتجارة", "AE"),
    ("Zagros Shipping", None, "IR"), ("Caspian Maritime Services", None, "AZ"),
    ("Golden Crescent Holdings", None, "AF"), ("Silk Road Freight Forwarding", None, "KZ"),
    ("Eurasia Dual Use Supplies", None, "RU"), ("Steppe Eagle Aviation", None, "KZ"),
    ("Blue Mountain Mining", None, "KG"), ("Red Sands Petroleum", None, "TM"),
]
# Central Asian, Persian, Pashto and Urdu names whose Latin spellings differ by habit rather than
# by scheme (issue 13): vowels (Hekmat/Hikmat), v/u/w before a consonant (Davlat/Daulat), -ullo/
# -ullah, q/k. (native, [Latin spellings, the first as a list would give it]).
CA_GIVEN = [
    ("Давлат", ["Davlat", "Daulat", "Dawlat"]), ("Маҳмуд", ["Mahmud", "Mahmood", "Makhmud", "Mahmoud"]),
    ("Ҳикмат", ["Hikmat", "Hekmat", "Khikmat"]), ("Нуриддин", ["Nuriddin", "Nuruddin", "Nooruddin", "Nureddin"]),
    ("Ғулом", ["Ghulom", "Gulom", "Ghulam", "Gholam"]), ("Шукрулло", ["Shukrullo", "Shukrullah", "Shokrollah"]),
    ("Ҷавод", ["Javod", "Javad", "Jawad"]), ("Зубайр", ["Zubair", "Zubayr", "Zobair"]),
    ("Хуршед", ["Khurshed", "Khurshid", "Xurshid", "Khorshid"]), ("Саъдулло", ["Sadullo", "Saadullah", "Sadulla"]),
    ("Азизулло", ["Azizullo", "Azizullah", "Azizulla"]), ("Файзулло", ["Fayzullo", "Faizullah", "Fayzulla"]),
    ("Убайдулло", ["Ubaydullo", "Ubaidullah", "Ubaidulla"]), ("Равшан", ["Ravshan", "Raushan", "Rawshan"]),
    ("Мавлон", ["Mavlon", "Maulon", "Mawlan"]), ("Қудрат", ["Qudrat", "Kudrat", "Qodrat"]),
    ("Неъмат", ["Nematullo", "Nimatullah", "Nematulla"]), ("Ҳабибулло", ["Habibullo", "Habibullah", "Khabibullo"]),
]
CA_SURNAME = [
    ("Давлатов", ["Davlatov", "Daulatov", "Dawlatov"]), ("Маҳмудов", ["Mahmudov", "Makhmudov", "Mahmoodov"]),
    ("Ҳикматов", ["Hikmatov", "Hekmatov", "Khikmatov"]), ("Қурбонбоев", ["Qurbonboev", "Kurbonbaev", "Qurbanbaev"]),
    ("Нуриддинов", ["Nuriddinov", "Nuruddinov", "Nureddinov"]), ("Ғуломов", ["Ghulomov", "Gulomov", "Ghulamov"]),
    ("Ҳайдаров", ["Haydarov", "Khaidarov", "Heydarov", "Haidarov"]), ("Мавлонов", ["Mavlonov", "Maulonov", "Mawlanov"]),
    ("Хушвақтов", ["Khushvaqtov", "Khushvaktov", "Hushvaqtov"]), ("Шодмонов", ["Shodmonov", "Shadmanov", "Shodmanov"]),
    ("Юнусов", ["Yunusov", "Younusov", "Iunusov"]), ("Юсуфзай", ["Yousafzai", "Yusufzai", "Yusafzay"]),
    ("Аҳмадзай", ["Ahmadzai", "Akhmadzai", "Ahmadzay"]), ("Ҳақназаров", ["Haqnazarov", "Khaknazarov", "Hakknazarov"]),
]
# Names listed only in Persian script (with ک, ی, the zero-width non-joiner): (Persian, [Latin],
# Tajik Cyrillic).
FA_ONLY_GIVEN = [
    ("حکمت\u200cالله", ["Hekmatullah", "Hikmatullah", "Hekmatollah"], "Ҳикматулло"),
    ("کامران", ["Kamran", "Kamron"], "Камрон"), ("پرویز", ["Parviz", "Parwiz", "Perviz"], "Парвиз"),
    ("گلبدین", ["Gulbuddin", "Golbodin", "Gulbiddin"], "Гулбиддин"), ("بهادر", ["Bahadur", "Bahador", "Bakhodur"], "Баҳодур"),
    ("یعقوب", ["Yaqub", "Yakub", "Yaghoub"], "Яъқуб"), ("نجیب\u200cالله", ["Najibullah", "Najibulla", "Nadjibullah"], "Наҷибулло"),
    ("شکیب", ["Shakib", "Shakeeb"], "Шакиб"), ("کبیر", ["Kabir", "Kabeer"], "Кабир"),
]
FA_ONLY_SURNAME = [
    ("یوسفی", ["Yousefi", "Yusufi", "Yosefi"], "Юсуфӣ"), ("نورستانی", ["Nuristani", "Nooristani", "Nurestani"], "Нуристонӣ"),
    ("ستانکزی", ["Stanikzai", "Stanekzai"], "Станикзай"), ("کاکر", ["Kakar", "Kakkar"], "Какар"),
    ("حقانی", ["Haqqani", "Haqani", "Hakkani"], "Ҳаққонӣ"), ("زرداری", ["Zardari"], "Зардорӣ"),
    ("پوپلزی", ["Popalzai", "Popalzay"], "Попалзай"), ("نیکزاد", ["Nikzad", "Nekzad"], "Никзод"),
]
# Organizations named by their words, in English, Russian and Chinese (issue 13): the translated
# forms are written for the set, as a list would publish them.
ORG_TRANSLATED = [
    ("Islamic Movement of Uzbekistan", "Исламское движение Узбекистана", "乌兹别克斯坦伊斯兰运动"),
    ("East Turkestan Islamic Movement", "Исламское движение Восточного Туркестана", "东突厥斯坦伊斯兰运动"),
    ("Islamic Jihad Union", "Союз исламского джихада", "伊斯兰圣战联盟"),
    ("Turkestan Islamic Party", "Исламская партия Туркестана", "突厥斯坦伊斯兰党"),
    ("Caspian Liberation Front", "Фронт освобождения Каспия", "里海解放阵线"),
    ("Fergana Valley Mujahideen Council", "Совет моджахедов Ферганской долины", "费尔干纳河谷圣战者理事会"),
    ("Khorasan Youth Brigade", "Бригада молодежи Хорасана", "呼罗珊青年旅"),
    ("Pamir Popular Resistance Army", "Народная армия сопротивления Памира", "帕米尔人民抵抗军"),
    ("Northern Transport Company", "Северная транспортная компания", "北方运输公司"),
    ("Eastern Trading Group", "Восточная торговая группа", "东方贸易集团"),
    ("Altai Mining Company", "Алтайская горнодобывающая компания", "阿尔泰矿业公司"),
    ("Silk Road Logistics", "Логистика Шелкового пути", "丝绸之路物流"),
]
# Unlisted organizations that share most words with a listed one: hard negatives.
ORG_TRANSLATED_OTHER = [
    ("Islamic Movement of Tajikistan", "Исламское движение Таджикистана", "塔吉克斯坦伊斯兰运动"),
    ("Kazakhstan Islamic Party", "Исламская партия Казахстана", "哈萨克斯坦伊斯兰党"),
    ("Caspian Shipping Company", "Каспийская судоходная компания", "里海航运公司"),
    ("Southern Transport Company", "Южная транспортная компания", "南方运输公司"),
    ("Altai Oil Company", "Алтайская нефтяная компания", "阿尔泰石油公司"),
    ("Pamir Liberation Army", "Армия освобождения Памира", "帕米尔解放军"),
]
# English organization names and the forms lists and reports write them in: (listed, [forms]).
ORG_FORMS = [
    ("Turan International Trading Company", ["Turan Intl Trading Co", "TURAN INTERNATIONAL TRADING CO.", "Turan Intl. Trading"]),
    ("Association of Friends of the Pamir", ["Friends of the Pamir Assn", "Pamir Friends Association", "Assn of Friends of Pamir"]),
    ("Bank of Samarkand", ["Samarkand Bank", "The Bank of Samarkand"]),
    ("Eastern Ferghana Brotherhood", ["East Ferghana Brotherhood", "Brotherhood of Eastern Ferghana", "Eastern Fergana Brotherhood"]),
    ("Northern Caucasus Emirate", ["North Caucasus Emirate", "Emirate of the Northern Caucasus"]),
    ("Islamic Movement of Uzbekistan", ["IMU", "Islamic Movement Uzbekistan"]),
    ("East Turkestan Islamic Movement", ["ETIM", "Eastern Turkistan Islamic Movement"]),
    ("Islamic Jihad Union", ["IJU", "Union of Islamic Jihad"]),
    ("Central Asian Mujahideen Brigade", ["CAMB", "Mujahideen Brigade of Central Asia"]),
    ("Kyrgyz National Defence Council", ["KNDC", "National Defense Council of Kyrgyzstan"]),
    ("Tashkent Chemical Industries Corporation", ["Tashkent Chemical Ind Corp", "Tashkent Chemical Industries Corp."]),
    ("Caspian Maritime Services Department", ["Caspian Maritime Services Dept", "Caspian Marine Services Department"]),
]
# Chinese surnames that are different characters with one key in Latin (x/h, c/ts...): a query in
# characters must not match the other character's listed pinyin.
ZH_APART = [("Hu", "徐", "Xu"), ("Xu", "胡", "Hu"), ("Zhu", "鞠", "Ju"), ("Zhang", "江", "Jiang"),
            ("Jiang", "张", "Zhang")]

LEGAL_LATIN = ["LLC", "Ltd", "Limited", "Co., Ltd.", "JSC", "LLP", "Inc.", "GmbH", "FZE"]
LEGAL_NATIVE = {"RU": ["ООО", "АО", "ЗАО"], "KZ": ["ТОО", "АО"], "UZ": ["ООО", "МЧЖ"],
                "TJ": ["ООО", "ҶДММ"], "KG": ["ОсОО"], "CN": ["有限公司", "有限责任公司", "股份有限公司"]}
ORG_GENERIC = ["Trading", "Logistics", "Invest", "Capital", "Holdings", "Services", "Security",
               "Energy", "Import", "Export", "Mining", "Shipping", "Group", "Foundation"]

HONORIFICS = ["Dr.", "Mr", "Mrs", "Sheikh", "Haji", "General", "Colonel", "Prof."]


def typo(word):
    """One typing mistake in a word of five letters or more."""
    w = list(word)
    i = rng.randrange(1, len(w) - 1)
    kind = rng.choice(["sub", "swap", "drop", "double"])
    if kind == "sub":
        w[i] = rng.choice([c for c in "aeiourstnlkm" if c != w[i].lower()])
    elif kind == "swap":
        w[i], w[i + 1] = w[i + 1], w[i]
    elif kind == "drop":
        del w[i]
    else:
        w.insert(i, w[i])
    return "".join(w)


def birth(year_from=1950, year_to=2000):
    y = rng.randrange(year_from, year_to)
    return f"{y}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"


def fem_ru(native, latin):
    if native.endswith("ко"):
        return native, latin
    return native + "а", latin + "a"


register = []
cases = []
used_pairs = set()  # (given Latin key, surname Latin key) of every listed person


def case(category, expect, name, birth_date=None, nationality=None):
    c = {"id": f"q{len(cases) + 1:05d}", "category": category, "expect": expect, "name": name}
    if birth_date:
        c["birth_date"] = birth_date
    if nationality:
        c["nationality"] = nationality
    cases.append(c)


def add_entry(kind, names, birth_date=None, nationality=None):
    eid = f"E{len(register) + 1:05d}"
    e = {"id": eid, "kind": kind, "names": names}
    if birth_date:
        e["birth_date"] = birth_date
    if nationality:
        e["nationality"] = nationality
    register.append(e)
    return eid


def person_cases(eid, given, surname, dob, nat, *, native=None, alt=None, middle=None):
    """Positives every listed person gets: format, order, typo, and (when given) a native-script
    spelling and an alternative Latin spelling."""
    listed = f"{given} {surname}"
    form = rng.choice(["upper", "comma", "lower", "spaces"])
    if form == "upper":
        q = listed.upper()
    elif form == "comma":
        q = f"{surname.upper()}, {given}"
    elif form == "lower":
        q = listed.lower()
    else:
        q = f"  {given}   {surname} "
    case("format", eid, q, dob if rng.random() < 0.3 else None, nat if rng.random() < 0.3 else None)
    case("order", eid, f"{surname} {given}", dob if rng.random() < 0.3 else None)
    long_parts = [p for p in (given, surname) if len(p) >= 5]
    if long_parts:
        p = rng.choice(long_parts)
        q = listed.replace(p, typo(p), 1)
        case("typo", eid, q, dob if rng.random() < 0.5 else None)
    if native:
        cat, text = native
        case(cat, eid, text, dob if rng.random() < 0.3 else None, nat if rng.random() < 0.3 else None)
    if alt:
        case("romanization", eid, alt, dob if rng.random() < 0.3 else None)
    if rng.random() < 0.25:
        case("honorific", eid, f"{rng.choice(HONORIFICS)} {listed}")


def negatives_for(eid, given_pool, surname_pool, gi, si, listed_name, dob, nat, make):
    """Hard negatives for one listed person: the same surname with another given name, the
    same given name with another surname, the same name born decades apart."""
    for _ in range(20):
        g2 = rng.randrange(len(given_pool))
        if g2 != gi and (given_pool[g2][1][0], surname_pool[si][1][0]) not in used_pairs:
            case("shared_surname", None, make(g2, si))
            break
    for _ in range(20):
        s2 = rng.randrange(len(surname_pool))
        if s2 != si and (given_pool[gi][1][0], surname_pool[s2][1][0]) not in used_pairs:
            case("shared_given", None, make(gi, s2))
            break
    y = int(dob[:4])
    far = y + rng.choice([-1, 1]) * rng.randrange(25, 45)
    case("birth_date_far", None, listed_name, f"{far}{dob[4:]}", nat)


def cyrillic_people(given_pool, surname_pool, nat, count, patronymic_style):
    chosen = set()
    while len(chosen) < count:
        chosen.add((rng.randrange(len(given_pool)), rng.randrange(len(surname_pool))))
    people = sorted(chosen)
    for gi, si in people:
        g_nat, g_lat = given_pool[gi][0], given_pool[gi][1]
        s_nat, s_lat = surname_pool[si]
        used_pairs.add((g_lat[0], s_lat[0]))
    for gi, si in people:
        g_nat, g_lat = given_pool[gi][0], given_pool[gi][1]
        s_nat, s_lat = surname_pool[si]
        sex = given_pool[gi][2] if len(given_pool[gi]) > 2 else "m"
        s_lat_l = list(s_lat)
        if sex == "f" and patronymic_style == "ru":
            s_nat, first = fem_ru(s_nat, s_lat[0])
            s_lat_l = [fem_ru(s_nat, x)[1] for x in s_lat]
        dob = birth()
        listed = f"{g_lat[0]} {s_lat_l[0]}"
        names = [listed]
        eid = add_entry("person", names, dob, [nat])
        if patronymic_style == "ru":
            pat = rng.choice(RU_PATRONYMIC)
            p_nat, p_lat = (pat[0], pat[2]) if sex == "m" else (pat[1], pat[3])
            native = f"{s_nat} {g_nat} {p_nat}"
            if rng.random() < 0.3:
                case("partial", eid, f"{g_lat[0]} {p_lat} {s_lat_l[0]}")
        elif patronymic_style == "kz":
            father = rng.choice(KZ_GIVEN)[0]
            native = f"{s_nat} {g_nat} {father}ұлы" if rng.random() < 0.5 else f"{g_nat} {s_nat}"
        else:
            native = rng.choice([f"{s_nat} {g_nat}", f"{g_nat} {s_nat}"])
        alt = None
        alts = [(g, s) for g in g_lat for s in s_lat_l if (g, s) != (g_lat[0], s_lat_l[0])]
        if alts:
            g, s = rng.choice(alts)
            alt = rng.choice([f"{g} {s}", f"{s} {g}"])
        person_cases(eid, g_lat[0], s_lat_l[0], dob, [nat], native=("cyrillic_script", native), alt=alt)

        def make(g2, s2, _pool=given_pool, _spool=surname_pool):
            return f"{_pool[g2][1][0]} {_spool[s2][1][0]}"

        negatives_for(eid, given_pool, surname_pool, gi, si, listed, dob, [nat], make)


def chinese_people(count):
    chosen = set()
    while len(chosen) < count:
        chosen.add((rng.randrange(len(ZH_GIVEN)), rng.randrange(len(ZH_SURNAME))))
    people = sorted(chosen)
    for gi, si in people:
        used_pairs.add((ZH_GIVEN[gi][1], ZH_SURNAME[si][1]))
    for gi, si in people:
        g_chr, g_py, g_wg = ZH_GIVEN[gi]
        s_chr, s_py, s_wg = ZH_SURNAME[si]
        dob = birth()
        listed = f"{g_py} {s_py}"
        eid = add_entry("person", [listed], dob, ["CN"])
        person_cases(eid, g_py, s_py, dob, ["CN"], native=("chinese_characters", s_chr + g_chr))
        case("chinese_surname_first", eid, rng.choice([f"{s_py.upper()} {g_py}", f"{s_py} {g_py}"]))
        if "-" in g_wg or s_wg != s_py:
            case("wade_giles_cantonese", eid, f"{s_wg} {g_wg}")
        # Syllables written apart, as many forms do.
        if len(g_chr) == 2:
            syl = ZH_GIVEN[gi][2]  # only to know where pinyin splits: use the hyphen form below
            split = split_pinyin(g_py)
            if split:
                case("chinese_split_given", eid, f"{s_py} {split}")

        def make(g2, s2):
            return f"{ZH_GIVEN[g2][1]} {ZH_SURNAME[s2][1]}"

        pool_g = [(x[0], [x[1]]) for x in ZH_GIVEN]
        pool_s = [(x[0], [x[1]]) for x in ZH_SURNAME]
        negatives_for(eid, pool_g, pool_s, gi, si, listed, dob, ["CN"], make)


SYLLABLES = sorted(
    "guo ping jian hua zhi qiang hai feng xiao ming wen jie yong gang li xiu ying jun de xin chun"
    " sheng hong mei zhen xue dong jin long zi hao jia yi".split(), key=len, reverse=True)


def split_pinyin(word):
    w = word.lower()
    for s in SYLLABLES:
        if w.startswith(s) and w[len(s):] in SYLLABLES:
            a, b = word[:len(s)], word[len(s):]
            return f"{a} {b.capitalize()}" if rng.random() < 0.5 else f"{a}-{b.lower()}"
    return None


def arabic_people(given_pool, family_pool, nat_choices, count, with_father):
    chosen = set()
    while len(chosen) < count:
        chosen.add((rng.randrange(len(given_pool)), rng.randrange(len(family_pool))))
    people = sorted(chosen)
    for gi, si in people:
        used_pairs.add((given_pool[gi][1][0], family_pool[si][1][0]))
    for gi, si in people:
        g_ar, g_lat = given_pool[gi]
        s_ar, s_lat = family_pool[si]
        nat = rng.choice(nat_choices)
        dob = birth()
        father = rng.choice(AR_GIVEN) if with_father and rng.random() < 0.5 else None
        if father:
            listed = f"{g_lat[0]} {father[1][0]} {s_lat[0]}"
            native = f"{g_ar} {father[0]} {s_ar}"
        else:
            listed = f"{g_lat[0]} {s_lat[0]}"
            native = f"{g_ar} {s_ar}"
        eid = add_entry("person", [listed], dob, [nat])
        alts = [(g, s) for g in g_lat for s in s_lat if (g, s) != (g_lat[0], s_lat[0])]
        alt = None
        if alts:
            g, s = rng.choice(alts)
            alt = f"{g} {father[1][-1]} {s}" if father else f"{g} {s}"
        person_cases(eid, g_lat[0] if not father else f"{g_lat[0]} {father[1][0]}", s_lat[0], dob,
                     [nat], native=("arabic_script", native), alt=alt)
        if father:
            case("partial", eid, f"{g_lat[0]} {s_lat[0]}")

        def make(g2, s2):
            return f"{given_pool[g2][1][0]} {family_pool[s2][1][0]}"

        negatives_for(eid, given_pool, family_pool, gi, si, listed, dob, [nat], make)


def organizations():
    for latin, native, country in ORGS:
        legal = rng.choice(LEGAL_LATIN)
        names = [f"{latin} {legal}"]
        # A list gives a firm's name in its own script beside a translation: always where the
        # Latin name is a translation no rule derives (Arabic), half the time elsewhere.
        if native and (country in ("AE", "SY", "IQ") or rng.random() < 0.5):
            names.append(native)
        eid = add_entry("organization", names, None, [country])
        case("organization", eid, latin.upper())
        case("organization", eid, f"{latin} {rng.choice([x for x in LEGAL_LATIN if x != legal])}")
        case("organization", eid, f"\"{latin}\" {legal}".replace(" ", "  ", 1))
        if native:
            forms = LEGAL_NATIVE.get(country)
            if forms:
                lf = rng.choice(forms)
                q = f"{native}{lf}" if country == "CN" else f"{lf} «{native}»"
            else:
                q = native
            case("organization_native_script", eid, q)
        words = latin.split()
        if len(words) >= 2 and len(max(words, key=len)) >= 6:
            w = max(words, key=len)
            case("organization", eid, latin.replace(w, typo(w), 1) + f" {legal}")
        # Hard negatives: another firm sharing a word.
        other = rng.choice([g for g in ORG_GENERIC if g.lower() not in latin.lower()])
        first = next(w for w in words if w.lower() not in ("al", "dar"))
        case("organization_shared_word", None, f"{first} {other} {legal}")
        if len(words) >= 2:
            case("organization_shared_word", None, f"{rng.choice(ORG_GENERIC)} {words[-1]} {legal}")



def central_asian_people(count):
    """People of the Central Asian and Persian spelling tables: listed with one spelling, asked
    with others."""
    chosen = set()
    while len(chosen) < count:
        chosen.add((rng.randrange(len(CA_GIVEN)), rng.randrange(len(CA_SURNAME))))
    people = sorted(chosen)
    for gi, si in people:
        used_pairs.add((CA_GIVEN[gi][1][0], CA_SURNAME[si][1][0]))
    for gi, si in people:
        g, s_ = CA_GIVEN[gi][1], CA_SURNAME[si][1]
        nat = rng.choice(["UZ", "TJ", "AF", "PK"])
        dob = birth()
        listed = f"{g[0]} {s_[0]}"
        eid = add_entry("person", [listed], dob, [nat])
        for _ in range(2):
            q_g = rng.choice(g[1:]) if len(g) > 1 and rng.random() < 0.8 else g[0]
            q_s = rng.choice(s_[1:]) if rng.random() < 0.8 else s_[0]
            if (q_g, q_s) == (g[0], s_[0]):
                q_s = s_[1]
            q = f"{q_g} {q_s}" if rng.random() < 0.6 else f"{q_s} {q_g}"
            case("central_asian_romanization", eid, q, dob if rng.random() < 0.3 else None)

        def make(g2, s2):
            return f"{CA_GIVEN[g2][1][0]} {CA_SURNAME[s2][1][0]}"

        negatives_for(eid, CA_GIVEN, CA_SURNAME, gi, si, listed, dob, [nat], make)


def persian_only_people(count):
    """People listed only in Persian script, asked in Latin or Tajik Cyrillic."""
    chosen = set()
    while len(chosen) < count:
        chosen.add((rng.randrange(len(FA_ONLY_GIVEN)), rng.randrange(len(FA_ONLY_SURNAME))))
    for gi, si in sorted(chosen):
        g_fa, g_lat, g_cyr = FA_ONLY_GIVEN[gi]
        s_fa, s_lat, s_cyr = FA_ONLY_SURNAME[si]
        eid = add_entry("person", [f"{g_fa} {s_fa}"], birth(), [rng.choice(["AF", "IR"])])
        case("persian_script", eid, f"{rng.choice(g_lat)} {rng.choice(s_lat)}")
        case("persian_script", eid, rng.choice([f"{g_cyr} {s_cyr}", f"{s_cyr} {g_cyr}"]))


def translated_organizations():
    """Organizations listed in one of English, Russian and Chinese, asked in another; unlisted
    ones sharing most of their words as hard negatives."""
    for en, ru, zh in ORG_TRANSLATED:
        forms = [en, ru, zh]
        listed_i = rng.randrange(3)
        eid = add_entry("organization", [forms[listed_i]], None, [rng.choice(["UZ", "KZ", "TJ", "CN"])])
        for j in range(3):
            if j != listed_i:
                case("organization_translated", eid, forms[j])
    for en, ru, zh in ORG_TRANSLATED_OTHER:
        case("organization_translated_other", None, rng.choice([en, ru, zh]))


def organization_forms():
    for listed, forms in ORG_FORMS:
        eid = add_entry("organization", [listed], None, [rng.choice(["UZ", "KZ", "KG", "RU"])])
        for f in forms:
            case("organization_form", eid, f)


def chinese_apart():
    """Chinese surnames that are different characters: the listed pinyin of one is not a match
    for the other written in characters."""
    for listed_py, other_chr, other_py in ZH_APART * 2:
        # A given name with which the other surname is listed by nobody.
        g_chr, g_py, _ = rng.choice([g for g in ZH_GIVEN if (g[1], other_py) not in used_pairs])
        used_pairs.add((g_py, listed_py))
        add_entry("person", [f"{listed_py} {g_py}"], birth(), ["CN"])
        case("chinese_other_character", None, other_chr + g_chr)

# Filler: people of no concern to the evaluation, to give the register a realistic size and
# the rarity weights realistic counts. Built from syllables so they share no name with the
# tables above by construction (checked below).
FILL_SYL = ["ka", "ro", "ti", "ma", "su", "le", "no", "va", "de", "bi", "zu", "fe", "go", "hi",
            "ja", "pu", "ne", "wo", "xa", "ye"]


def table_names():
    """Every Latin spelling in the tables above, lower-case."""
    out = set()
    for pool in (RU_GIVEN, RU_SURNAME, KZ_GIVEN, KZ_SURNAME, UZ_GIVEN, UZ_SURNAME, TJ_GIVEN, TJ_SURNAME,
                 KG_GIVEN, KG_SURNAME, AR_GIVEN, AR_FAMILY, FA_GIVEN, FA_SURNAME, CA_GIVEN, CA_SURNAME,
                 FA_ONLY_GIVEN, FA_ONLY_SURNAME):
        for item in pool:
            for latin in item[1]:
                out.update(w.lower().replace("'", "") for w in latin.replace("-", " ").split())
    for item in ZH_SURNAME + ZH_GIVEN:
        out.update(w.lower() for w in " ".join(item[1:]).replace("-", " ").split())
    for latin, _, _ in ORGS:
        out.update(w.lower() for w in latin.split())
    for en, _, _ in ORG_TRANSLATED + ORG_TRANSLATED_OTHER:
        out.update(w.lower() for w in en.split())
    for listed, forms in ORG_FORMS:
        out.update(w.lower().strip(".") for f in [listed] + forms for w in f.split())
    return out


def real_name_pool(path):
    """Single-word ASCII spellings from the rigour table, leaving out every group that holds a
    name of our tables (so no filler person is a spelling of a listed one)."""
    ours = table_names() | {w.lower() for e in register for n in e["names"] for w in n.split()}
    pool = set()
    for line in open(path, encoding="utf-8"):
        forms = [f.strip() for f in line.rsplit("=>", 1)[0].split(",")]
        if any(f in ours for f in forms):
            continue
        for f in forms:
            if f.isascii() and f.isalpha() and 3 <= len(f) <= 12 and f not in ours:
                pool.add(f.capitalize())
    return sorted(pool)


def filler(n, names_path=None):
    pool = real_name_pool(names_path) if names_path else None
    for _ in range(n):
        if pool:
            g, s = rng.choice(pool), rng.choice(pool)
        else:
            g = "".join(rng.choice(FILL_SYL) for _ in range(rng.randrange(2, 4))).capitalize()
            s = "".join(rng.choice(FILL_SYL) for _ in range(rng.randrange(3, 5))).capitalize()
        add_entry("person", [f"{g} {s}"], birth() if rng.random() < 0.7 else None)


cyrillic_people(RU_GIVEN, RU_SURNAME, "RU", 150, "ru")
cyrillic_people(KZ_GIVEN, KZ_SURNAME, "KZ", 60, "kz")
cyrillic_people(UZ_GIVEN, UZ_SURNAME, "UZ", 45, "uz")
cyrillic_people(TJ_GIVEN, TJ_SURNAME, "TJ", 35, "tj")
cyrillic_people(KG_GIVEN, KG_SURNAME, "KG", 25, "kg")
chinese_people(110)
arabic_people(AR_GIVEN, AR_FAMILY, ["SY", "IQ", "EG", "SA", "JO"], 90, True)
arabic_people(FA_GIVEN, FA_SURNAME, ["IR", "AF"], 30, False)
organizations()
central_asian_people(40)
persian_only_people(30)
translated_organizations()
organization_forms()
chinese_apart()
listed = len(register)
filler(args.filler, args.filler_names)

names_in_tables = {w.lower() for e in register[:listed] for n in e["names"] for w in n.split()}
assert not any(w.lower() in names_in_tables for e in register[listed:] for n in e["names"] for w in n.split()), \
    "filler shares a name part with the evaluation tables"

with open(HERE / "register.jsonl", "w", encoding="utf-8") as f:
    for e in register:
        f.write(json.dumps(e, ensure_ascii=False) + "\n")
with open(HERE / "cases.jsonl", "w", encoding="utf-8") as f:
    for c in cases:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")

pos = sum(1 for c in cases if c["expect"])
print(f"{len(register)} entries, {len(cases)} cases: {pos} positives, {len(cases) - pos} negatives")
