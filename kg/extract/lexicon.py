"""Every word list the extractors read, in one place, apart from the rules that use them, so
that a reviewer can read and extend the vocabulary without touching logic.

Three parts: actors (titles and honorifics, descriptions that refer back, pronouns, cue words
that repair the model's entity types; read by the actor modules as ``T``; lower-case,
abbreviations keep their dot: "gen."), attribution (verbs that introduce what someone said or thinks, read by
:mod:`kg.extract.statements`) and stances (stance-bearing verbs, nouns and adjectives and the
words that negate, question or hedge them, read by :mod:`kg.extract.stance_rules`,
:mod:`kg.extract.stances` and, as features, :mod:`kg.extract.stance_model`). Each verb of
saying is written once: the ones that also report a stance are ``REPORTING_SPEECH_VERBS``,
part of ``SPEECH_VERBS``. Lemmas are lower-case, as spaCy's lemmatiser gives them; each stance
cue maps to a polarity (+1 supports, -1 opposes).
"""

from __future__ import annotations

from kg.records import ActorType

# ====================================================================== actors
# ------------------------------------------------------------------ honorifics (not posts)
# honorific -> gender cue ("male", "female" or None)
HONORIFICS: dict[str, str | None] = {
    "mr.": "male",
    "mr": "male",
    "sir": "male",
    "lord": "male",
    "messrs.": None,
    "mrs.": "female",
    "mrs": "female",
    "ms.": "female",
    "ms": "female",
    "miss": "female",
    "dame": "female",
    "lady": "female",
    "madam": "female",
    "mme.": "female",
    "dr.": None,
    "dr": None,
    "prof.": None,
    "professor": None,
    "rev.": None,
    "reverend": None,
}

# ------------------------------------------------------------------ posts and ranks
# abbreviations of posts and ranks -> the title they stand for
ABBREVIATIONS: dict[str, str] = {
    "gen.": "General",
    "gen": "General",
    "lt.": "Lieutenant",
    "col.": "Colonel",
    "maj.": "Major",
    "capt.": "Captain",
    "cpt.": "Captain",
    "adm.": "Admiral",
    "sgt.": "Sergeant",
    "cmdr.": "Commander",
    "sen.": "Senator",
    "rep.": "Representative",
    "gov.": "Governor",
    "pres.": "President",
    "sec.": "Secretary",
    "amb.": "Ambassador",
    "atty.": "Attorney",
    "supt.": "Superintendent",
    "lt. gen.": "Lieutenant General",
    "maj. gen.": "Major General",
    "brig. gen.": "Brigadier General",
    "lt. col.": "Lieutenant Colonel",
}

# canonical spelling of known titles (matched case-insensitively, longest first)
TITLES: tuple[str, ...] = (
    "President",
    "Vice President",
    "President-elect",
    "Prime Minister",
    "Deputy Prime Minister",
    "Foreign Minister",
    "Defense Minister",
    "Defence Minister",
    "Interior Minister",
    "Finance Minister",
    "Minister",
    "Deputy Minister",
    "Chancellor",
    "Premier",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Crown Prince",
    "Sheikh",
    "Emir",
    "Sultan",
    "Pope",
    "Ayatollah",
    "Supreme Leader",
    "Field Marshal",
    "Marshal",
    "General",
    "Lieutenant General",
    "Major General",
    "Brigadier General",
    "Colonel",
    "Lieutenant Colonel",
    "Major",
    "Captain",
    "Admiral",
    "Commander",
    "Lieutenant",
    "Sergeant",
    "Senator",
    "Representative",
    "Congressman",
    "Congresswoman",
    "Governor",
    "Lieutenant Governor",
    "Mayor",
    "Secretary",
    "Secretary of State",
    "Secretary of Defense",
    "Defense Secretary",
    "Foreign Secretary",
    "Home Secretary",
    "Attorney General",
    "Secretary-General",
    "Secretary General",
    "Ambassador",
    "Speaker",
    "House Speaker",
    "Speaker of the House",
    "Majority Leader",
    "Minority Leader",
    "Senate Majority Leader",
    "Senate Minority Leader",
    "Chief of Staff",
    "Judge",
    "Justice",
    "Chief Justice",
    "Chairman",
    "Chairwoman",
    "Chair",
    "Director",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
    "Envoy",
    "Special Envoy",
    "National Security Adviser",
    "Press Secretary",
    "Chief Executive",
    "CEO",
    "Superintendent",
    "Attorney",
)
TITLE_CANON: dict[str, str] = {t.lower(): t for t in TITLES}

# words that may make up a title written before a name ("Libyan militia leader Gen. Khalifa
# Haftar", "Senate Majority Leader Mitch McConnell"); lower-case descriptive words are allowed
ROLE_HEADS = {
    "leader",
    "chief",
    "commander",
    "head",
    "official",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "strongman",
    "minister",
    "secretary",
    "adviser",
    "advisor",
    "aide",
    "envoy",
    "ambassador",
    "candidate",
    "nominee",
    "chairman",
    "chairwoman",
    "chair",
    "director",
    "founder",
    "president",
    "governor",
    "mayor",
    "senator",
    "lawmaker",
    "congressman",
    "congresswoman",
    "representative",
    "general",
    "marshal",
    "colonel",
    "admiral",
    "captain",
    "major",
    "lieutenant",
    "sergeant",
    "dictator",
    "ruler",
    "king",
    "queen",
    "prince",
    "princess",
    "emir",
    "sheikh",
    "sultan",
    "pope",
    "premier",
    "chancellor",
    "speaker",
    "judge",
    "justice",
    "prosecutor",
    "attorney",
    "negotiator",
    "diplomat",
    "executive",
    "ceo",
    "host",
    "anchor",
    "columnist",
    "correspondent",
    "reporter",
    "editor",
    "analyst",
    "activist",
    "businessman",
    "businesswoman",
    "billionaire",
    "warlord",
    "cleric",
    "ayatollah",
    "superintendent",
    "deputy",
    "mogul",
    "magnate",
    "strategist",
    "pollster",
}
TITLE_WORDS = (
    {w for t in TITLES for w in t.lower().replace("-", " ").split()}
    | ROLE_HEADS
    | {
        "deputy",
        "vice",
        "prime",
        "foreign",
        "defense",
        "defence",
        "interior",
        "finance",
        "field",
        "crown",
        "supreme",
        "majority",
        "minority",
        "special",
        "national",
        "security",
        "press",
        "chief",
        "executive",
        "militia",
        "military",
        "opposition",
        "rebel",
        "party",
        "campaign",
        "army",
        "state",
        "senate",
        "house",
        "white",
        "presidential",
        "elect",
        "general",
        "lieutenant",
        "brigadier",
        "assistant",
        "associate",
        "acting",
        "interim",
        "former",
        "then",
        "top",
        "senior",
        "longtime",
        "ex",
        "co",
        "of",
        "the",
        "staff",
        "adviser",
        "advisor",
        "counsel",
        "economic",
        "political",
        "foreign-policy",
        "news",
        "tv",
        "radio",
        "talk",
        "show",
        "labor",
        "union",
        "civil",
        "rights",
        "human",
    }
)
# qualifiers dropped from a title ("former President" -> "President")
TITLE_QUALIFIERS = {
    "former",
    "then",
    "top",
    "senior",
    "longtime",
    "acting",
    "interim",
    "ex",
    "the",
    "current",
    "outgoing",
    "incoming",
    "new",
}

# posts that belong to a government: a demonym or a country before them names that government
GOVERNMENT_POST_WORDS = {
    "president",
    "vice",
    "prime",
    "minister",
    "premier",
    "chancellor",
    "king",
    "queen",
    "emir",
    "sultan",
    "secretary",
    "ambassador",
    "envoy",
    "official",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "senator",
    "governor",
    "diplomat",
    "negotiator",
    "general",
    "marshal",
    "admiral",
    "attorney",
    "speaker",
    "lawmaker",
    "congressman",
    "congresswoman",
    "representative",
    "mayor",
    "leader",
}
# posts in Congress: with a US state before them ("Vermont Sen."), the post is in the Senate or the House
CONGRESS_POST_WORDS = {"senator", "representative", "congressman", "congresswoman", "lawmaker"}
# words that, next to a post, tie it to something other than the government ("militia leader")
NON_GOVERNMENT_QUALIFIERS = {
    "militia",
    "opposition",
    "rebel",
    "party",
    "campaign",
    "news",
    "tv",
    "radio",
    "union",
    "business",
    "company",
    "insurgent",
    "tribal",
    "religious",
    "civil",
    "rights",
    "human",
    "talk",
    "show",
}

# ranks and posts that say the bearer is a person whatever the model's label
PERSON_TITLE_WORDS = {
    "president",
    "minister",
    "general",
    "marshal",
    "senator",
    "governor",
    "mayor",
    "secretary",
    "ambassador",
    "king",
    "queen",
    "prince",
    "princess",
    "emir",
    "sheikh",
    "sultan",
    "pope",
    "colonel",
    "admiral",
    "captain",
    "commander",
    "chancellor",
    "premier",
    "judge",
    "justice",
    "speaker",
    "congressman",
    "congresswoman",
    "representative",
    "lieutenant",
    "sergeant",
    "ayatollah",
}

# gender said by a title
TITLE_GENDER: dict[str, str] = {
    "king": "male",
    "prince": "male",
    "emir": "male",
    "sultan": "male",
    "pope": "male",
    "sheikh": "male",
    "congressman": "male",
    "spokesman": "male",
    "chairman": "male",
    "businessman": "male",
    "queen": "female",
    "princess": "female",
    "congresswoman": "female",
    "spokeswoman": "female",
    "chairwoman": "female",
    "businesswoman": "female",
    "dame": "female",
}

# ------------------------------------------------------------------ descriptions that refer back
# head noun of a definite description -> the kind of actor it can refer to
DESCRIPTION_PERSON = {
    "president",
    "general",
    "leader",
    "strongman",
    "minister",
    "senator",
    "governor",
    "mayor",
    "secretary",
    "ambassador",
    "envoy",
    "chancellor",
    "premier",
    "king",
    "queen",
    "prince",
    "emir",
    "sheikh",
    "sultan",
    "pope",
    "marshal",
    "colonel",
    "commander",
    "dictator",
    "ruler",
    "warlord",
    "candidate",
    "nominee",
    "chairman",
    "chairwoman",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "businessman",
    "businesswoman",
    "billionaire",
    "mogul",
    "congressman",
    "congresswoman",
    "lawmaker",
    "speaker",
    "judge",
    "justice",
    "prosecutor",
    "diplomat",
    "official",
    "politician",
    "man",
    "woman",
    "cleric",
    "founder",
    "director",
    "executive",
    "host",
    "activist",
    "democrat",
    "republican",
}
# descriptions that match any person (of the right gender), not only one holding that post
GENERIC_PERSON = {
    "strongman",
    "man",
    "woman",
    "politician",
    "leader",
    "dictator",
    "ruler",
    "warlord",
    "official",
    "billionaire",
    "businessman",
    "businesswoman",
    "mogul",
    "candidate",
    "nominee",
}
DESCRIPTION_GENDER = {"man": "male", "woman": "female"}
DESCRIPTION_OTHER: dict[str, tuple[str, ...]] = {
    "government": (ActorType.Government,),
    "administration": (ActorType.Government,),
    "regime": (ActorType.Government,),
    "cabinet": (ActorType.Government,),
    "ministry": (ActorType.Government,),
    "department": (ActorType.Government,),
    "country": (ActorType.Country,),
    "nation": (ActorType.Country,),
    "state": (ActorType.Country, ActorType.Government),
    "kingdom": (ActorType.Country,),
    "republic": (ActorType.Country,),
    "militia": (ActorType.Group,),
    "militias": (ActorType.Group,),
    "rebels": (ActorType.Group,),
    "movement": (ActorType.Group, ActorType.Party),
    "party": (ActorType.Party,),
    "newspaper": (ActorType.Media,),
    "paper": (ActorType.Media,),
    "network": (ActorType.Media,),
    "broadcaster": (ActorType.Media,),
    "outlet": (ActorType.Media,),
    "agency": (ActorType.Government, ActorType.Organization, ActorType.Media),
    "company": (ActorType.Organization,),
    "firm": (ActorType.Organization,),
    "organization": (ActorType.Organization, ActorType.InternationalOrganization),
    "organisation": (ActorType.Organization, ActorType.InternationalOrganization),
    "group": (ActorType.Group, ActorType.Organization),
    "alliance": (ActorType.InternationalOrganization, ActorType.Group),
    "bloc": (ActorType.InternationalOrganization,),
    "body": (ActorType.InternationalOrganization, ActorType.Organization, ActorType.Government),
}
DEFINITE_DETERMINERS = {"the", "this", "that", "these", "those"}

# ------------------------------------------------------------------ pronouns
# pronoun -> (number, gender): number "sg" | "pl"; gender "male" | "female" | "neuter" | None
PRONOUNS: dict[str, tuple[str, str | None]] = {
    "he": ("sg", "male"),
    "him": ("sg", "male"),
    "his": ("sg", "male"),
    "himself": ("sg", "male"),
    "she": ("sg", "female"),
    "her": ("sg", "female"),
    "hers": ("sg", "female"),
    "herself": ("sg", "female"),
    "it": ("sg", "neuter"),
    "its": ("sg", "neuter"),
    "itself": ("sg", "neuter"),
    "they": ("pl", None),
    "them": ("pl", None),
    "their": ("pl", None),
    "theirs": ("pl", None),
    "themselves": ("pl", None),
}
REFLEXIVES = {"himself", "herself", "itself", "themselves"}

# ------------------------------------------------------------------ repairs of entity types
MEDIA_WORDS = {
    "times",
    "post",
    "news",
    "journal",
    "herald",
    "tribune",
    "gazette",
    "telegraph",
    "guardian",
    "daily",
    "magazine",
    "network",
    "radio",
    "television",
    "tv",
    "press",
    "wire",
    "chronicle",
    "observer",
    "monitor",
    "dispatch",
    "courier",
    "inquirer",
    "examiner",
    "bulletin",
    "broadcasting",
    "newsweek",
    "reuters",
    "bloomberg",
    "politico",
    "channel",
    "cnn",
    "msnbc",
    "cbs",
    "nbc",
    "abc",
    "bbc",
    "npr",
    "pbs",
    "afp",
    "axios",
    "vox",
    "buzzfeed",
    "breitbart",
}
GROUP_WORDS = {
    "militia",
    "militias",
    "forces",
    "force",
    "army",
    "brigade",
    "brigades",
    "rebels",
    "fighters",
    "front",
    "battalion",
    "battalions",
    "guard",
    "guards",
    "insurgents",
    "taliban",
    "movement",
    "mujahideen",
    "jihadists",
    "jihadis",
    "separatists",
    "troops",
    "coalition",
    "resistance",
}
PARTY_WORDS = {"party", "democrats", "republicans", "gop", "labour", "tories"}
GOVERNMENT_ORG_WORDS = {
    "ministry",
    "department",
    "cabinet",
    "parliament",
    "senate",
    "congress",
    "assembly",
    "administration",
    "agency",
    "bureau",
    "commission",
    "council",
    "office",
    "court",
    "police",
    "embassy",
    "consulate",
    "legislature",
    "government",
}
# words of an organisation's name that a person's name does not hold ("John Hancock Financial")
ORGANIZATION_WORDS = {
    "inc",
    "inc.",
    "corp",
    "corp.",
    "corporation",
    "company",
    "co",
    "co.",
    "llc",
    "ltd",
    "group",
    "foundation",
    "institute",
    "university",
    "college",
    "school",
    "center",
    "centre",
    "fund",
    "committee",
    "campaign",
    "club",
    "association",
    "council",
    "society",
    "trust",
    "pac",
    "action",
    "project",
    "hotel",
    "tower",
    "hall",
    "house",
    "library",
    "museum",
    "hospital",
    "bank",
    "financial",
    "capital",
    "partners",
    "media",
    "books",
    "records",
    "studios",
    "airlines",
    "motors",
    "industries",
    "enterprises",
    "holdings",
    "&",
}
# an international organisation spelt out
INTERNATIONAL_WORDS = {"united nations", "international", "world", "european", "african union", "nato"}

# head nouns after a demonym or country name that make it the government ("Libyan officials")
GOVERNMENT_HEADS = {
    "official",
    "officials",
    "government",
    "authorities",
    "authority",
    "administration",
    "diplomat",
    "diplomats",
    "envoy",
    "envoys",
    "ambassador",
    "minister",
    "ministers",
    "ministry",
    "president",
    "leader",
    "leaders",
    "leadership",
    "lawmakers",
    "lawmaker",
    "parliament",
    "military",
    "army",
    "navy",
    "forces",
    "troops",
    "soldiers",
    "intelligence",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "negotiators",
    "negotiator",
    "delegation",
    "embassy",
    "regime",
    "state",
    "policy",
    "sanctions",
    "counterpart",
    "counterparts",
    "prosecutors",
    "police",
    "security",
    "strikes",
    "airstrikes",
    "premier",
    "prime",
    "secretary",
    "cabinet",
    "chancellor",
    "senator",
    "senators",
}
# nouns a country possesses as an agent ("Russia's support", "Washington's policy")
GOVERNMENT_POSSESSED = {
    "policy",
    "policies",
    "government",
    "officials",
    "support",
    "backing",
    "position",
    "decision",
    "response",
    "administration",
    "leaders",
    "leadership",
    "military",
    "army",
    "forces",
    "troops",
    "sanctions",
    "strategy",
    "stance",
    "approach",
    "intervention",
    "involvement",
    "diplomats",
    "envoy",
    "ambassador",
    "president",
    "minister",
    "foreign",
    "demands",
    "offer",
    "proposal",
    "threat",
    "threats",
    "criticism",
    "condemnation",
    "warning",
    "refusal",
    "plan",
    "plans",
    "role",
    "efforts",
    "attack",
    "attacks",
    "strikes",
    "allies",
    "ally",
    "embassy",
    "negotiators",
    "intelligence",
}
# verbs whose subject is a place rather than an agent ("Libya has been in turmoil")
STATE_VERBS = {
    "be",
    "have",
    "remain",
    "become",
    "seem",
    "appear",
    "lie",
    "sit",
    "border",
    "face",
    "suffer",
    "experience",
    "contain",
    "include",
    "host",
    "stretch",
    "cover",
    "rank",
}
# for a state, city or other place below a country (stricter: in election news a state is mostly where
# votes are cast): the nouns it qualifies as a government ("Ohio officials"), the nouns it possesses
# as an agent ("Texas's lawsuit"), and verbs whose subject it is as a place ("Florida votes")
PLACE_GOVERNMENT_HEADS = {
    "officials",
    "government",
    "authorities",
    "administration",
    "lawmakers",
    "legislature",
    "legislators",
    "police",
    "prosecutors",
    "agency",
    "agencies",
    "department",
    "regulators",
    "courts",
}
PLACE_POSSESSED = {
    "government",
    "officials",
    "lawsuit",
    "suit",
    "law",
    "laws",
    "legislature",
    "administration",
    "governor",
    "attorney",
    "policy",
    "policies",
    "ban",
    "decision",
    "lawmakers",
    "authorities",
    "police",
    "prosecutors",
    "challenge",
    "appeal",
    "request",
    "response",
    "refusal",
    "plan",
    "order",
    "rules",
    "regulators",
}
PLACE_STATE_VERBS = {
    "vote",
    "hold",
    "go",
    "decide",
    "award",
    "pick",
    "choose",
    "swing",
    "lean",
    "matter",
    "count",
    "report",
    "open",
    "close",
    "follow",
    "come",
    "offer",
    "allot",
    "send",
    "give",
    "determine",
    "split",
    "turn",
    "play",
    "see",
    "get",
    "look",
    "add",
    "lose",
    "gain",
    "set",
    "move",
    "shift",
    "begin",
    "start",
    "end",
    "tally",
    "favor",
    "favour",
    "prove",
    "represent",
    "boast",
    "weigh",
    "loom",
    "beckon",
    "await",
    "feature",
    "provide",
    "produce",
    "mean",
    "show",
    "know",
    "love",
    "like",
    "need",
    "want",
    "win",
    "carry",
    "deliver",
    "break",
    "flip",
    "elect",
    "nominate",
    "support",
    "back",
    "reject",
    "embrace",
    "hate",
    "welcome",
    "do",
}
# prepositions after which a place is an agent ("talks with Tripoli", "clarity from Washington")
AGENT_PREPOSITIONS = {"with", "from", "by", "against", "between"}

# ------------------------------------------------------------------ first names with a clear gender
# (a gender cue for pronouns when no honorific or title says it; common names in English-language news)
MALE_NAMES = set(
    """
aaron adam ahmed alan albert alexander ali andrew anthony antonio barack ben benjamin bernie bill bob
boris brian bruce carlos charles chris christopher chuck dan daniel david dennis donald doug douglas
ed edward emmanuel eric frank fred gary george gerald greg gregory harold harry henry hugh ian jack
jacob james jared jason jeb jeff jeffrey jeremy jerry jim jimmy joe john jon jonathan jose joseph
josh justin keith ken kevin khalifa larry lindsey louis marco mark martin matt matthew michael mike
mitch mitt mohammed muhammad mohammad moammar muammar narendra nicholas omar patrick paul peter
philip rand randy ray raymond recep reince richard rick rob robert roger ron ronald roy rudy rudolph
ryan sam samuel scott sean sergei stephen steve steven ted thomas tim timothy tom tony victor
vladimir walter wayne william xi yousef
""".split()
)
FEMALE_NAMES = set(
    """
alexandria amy angela ann anna anne barbara betsy betty carly carol caroline catherine cheryl
christine claire debbie deborah diane donna elizabeth ellen emily emma hillary heather helen
ivanka jane janet jennifer jessica jill joan joni julia julie karen kamala kate katherine kathleen
kathy kellyanne kelly kim kirsten laura linda lisa liz lois loretta madeleine maria marine marsha
martha mary megyn melania melissa michelle monica nancy nicola nikki pamela patricia rachel rebecca
sandra sarah sharon stephanie susan susana tammy theresa tulsi ursula valerie wendy
""".split()
)

# ------------------------------------------------------------------ words that name no actor alone
# besides bare titles (TITLES, ROLE_HEADS, ABBREVIATIONS) and single letters (kg.extract.names.not_an_actor)
BARE_TITLE_EXTRA = {
    "state",
    "secretary of state",
    "vice",
    "deputy",
    "lieutenant",
    "acting",
    "former",
    "presidential",
    "senate majority leader",
    "majority leader",
    "minority leader",
    "whip",
    "incumbent",
}
NOT_ACTOR_WORDS = {"pac", "super pac", "superpac", "super", "political action committee", "nt", "n't", "datetime"}
# demonym, religion and ethnicity adjectives: a group only with a people noun ("Hispanic voters") or
# in the plural ("Muslims"); alone ("Islamic", "Christian") no actor. Country demonyms come from the
# gazetteer ("Libyan" -> Libya).
GROUP_ADJECTIVES = {
    "islamic",
    "muslim",
    "christian",
    "jewish",
    "catholic",
    "protestant",
    "evangelical",
    "mormon",
    "hindu",
    "buddhist",
    "sikh",
    "hispanic",
    "latino",
    "latina",
    "african american",
    "black",
    "white",
    "asian",
    "asian american",
    "arab",
    "sunni",
    "shiite",
    "shia",
    "native american",
    "islamist",
    "jihadist",
    "european",
    "western",
    "african",
    "middle eastern",
    "latin american",
    "hispanic american",
    "mexican american",
    "cuban american",
    "lgbt",
    "lgbtq",
    "gay",
    "lesbian",
    "transgender",
    "secular",
    "orthodox",
    "anglican",
    "baptist",
    "methodist",
    "lutheran",
    "pentecostal",
    "muslim american",
    "jew",
}
# the people an adjective names, when a stance is about them ("radical Islamic terrorism" -> Muslims)
GROUP_OF_ADJECTIVE = {
    "islamic": "Islamists",
    "muslim": "Muslims",
    "islamist": "Islamists",
    "christian": "Christians",
    "jewish": "Jews",
    "jew": "Jews",
    "catholic": "Catholics",
    "protestant": "Protestants",
    "evangelical": "Evangelicals",
    "mormon": "Mormons",
    "hindu": "Hindus",
    "buddhist": "Buddhists",
    "sikh": "Sikhs",
    "hispanic": "Hispanics",
    "latino": "Latinos",
    "latina": "Latinas",
    "african american": "African Americans",
    "black": "Black people",
    "white": "White people",
    "asian": "Asians",
    "asian american": "Asian Americans",
    "arab": "Arabs",
    "sunni": "Sunnis",
    "shiite": "Shiites",
    "shia": "Shiites",
    "native american": "Native Americans",
    "jihadist": "Jihadists",
    "european": "Europeans",
    "african": "Africans",
    "lgbt": "LGBT people",
    "lgbtq": "LGBTQ people",
    "gay": "Gay people",
    "transgender": "Transgender people",
}
# plural nouns for people that make a group of an adjective before them ("Hispanic voters")
PEOPLE_NOUNS = {
    "voters",
    "immigrants",
    "refugees",
    "migrants",
    "americans",
    "citizens",
    "people",
    "men",
    "women",
    "youth",
    "students",
    "workers",
    "leaders",
    "groups",
    "communities",
    "community",
    "activists",
    "clerics",
    "militants",
    "extremists",
    "terrorists",
    "jihadists",
    "fighters",
    "rebels",
    "officials",
    "lawmakers",
    "politicians",
    "conservatives",
    "liberals",
    "evangelicals",
    "families",
    "children",
    "parents",
    "residents",
    "supporters",
    "delegates",
    "candidates",
    "members",
    "organizations",
    "nations",
    "countries",
    "states",
    "allies",
    "donors",
    "electorate",
    "population",
    "populations",
    "majority",
    "minority",
    "minorities",
    "democrats",
    "republicans",
    "pastors",
    "priests",
    "believers",
    "faithful",
    "congregations",
    "churches",
    "mosques",
    "neighborhoods",
    "audiences",
    "viewers",
    "readers",
    "troops",
    "soldiers",
    "veterans",
    "police",
    "officers",
    "businesses",
    "owners",
    "entrepreneurs",
    "professionals",
    "males",
    "females",
    "millennials",
    "teens",
    "youths",
    "adults",
    "seniors",
    "elderly",
    "kids",
}


# ====================================================================== attribution
# Verbs of saying that also report a stance: a stance in their complement ("X said the U.S.
# still supports Y") is the embedded holder's, reported by their subject (kg.extract.stance_rules),
# and the pair model reads them as a feature (SAYING_VERBS below).
REPORTING_SPEECH_VERBS: frozenset[str] = frozenset(
    """
say tell add claim argue insist warn assure report state note explain write tweet announce
declare acknowledge admit suggest contend allege stress emphasize emphasise maintain assert
reveal confirm deny
""".split()
)

# Verbs of saying: a clause they govern (``X said (that) ...``) or a quotation next to them
# (``"...," X said``) is a statement by their subject.
SPEECH_VERBS: frozenset[str] = REPORTING_SPEECH_VERBS | frozenset(
    """
accuse respond reply continue remark concede recall urge predict promise vow pledge joke quip
wonder complain ask testify observe reiterate repeat caution boast brag charge counter retort
conclude mention disclose post echo shout yell scream whisper muse lament proclaim affirm agree
answer blast slam criticize criticise praise tout threaten demand propose recount describe sigh
laugh grumble snap thunder cry plead beg inform remind advise signal indicate estimate
guarantee swear hint speculate theorize theorise opine clarify elaborate interject counsel
confess
""".split()
)

# Verbs of thinking and perceiving: PolNeAR counts beliefs as attributions too; only their
# clausal complements are taken (``X believes (that) ...``), never a bare object.
COGNITION_VERBS: frozenset[str] = frozenset(
    """
think believe know hope expect fear feel worry doubt assume guess suspect realize realise
understand show find decide see hold consider figure imagine recognize recognise learn prove
demonstrate reckon bet sense presume suppose trust wish want insist
""".split()
)

# Speech verbs that also take an infinitive as their content (``urged Congress to act``).
XCOMP_VERBS: frozenset[str] = frozenset(
    """
urge promise vow pledge ask tell threaten warn call demand advise beg plead vow swear
""".split()
)

# Verbs of saying whose direct object is what was said or judged (``announced his resignation``,
# ``criticized Trump for ...``): the object (and an ``of``/``for`` phrase after it) is the content.
OBJECT_VERBS: frozenset[str] = frozenset(
    """
announce deny confirm criticize criticise praise accuse slam blast condemn reject endorse
applaud blame attack mock ridicule dismiss defend welcome
""".split()
)

# Naming verbs: ``called the show "the best"`` -- the object and what it is called are the content.
NAMING_VERBS: frozenset[str] = frozenset("call label dub brand term".split())

# Verbs of saying that may stand without a complement right beside a quotation and still
# introduce it (``"...," he continued.``). Every SPEECH_VERBS lemma qualifies; these extras
# too (``"...," she laughed``).
QUOTE_ONLY_VERBS: frozenset[str] = frozenset(
    """
laugh smile sigh shout yell scream whisper cry exclaim chuckle mutter snap chant read
interrupt gush marvel
""".split()
)

# Subjects that are relative pronouns point back to the noun the clause hangs on.
RELATIVE_PRONOUNS: frozenset[str] = frozenset({"who", "that", "which", "whom"})

# Prepositional cues: ``according to X``.
ACCORDING = "according"


# ====================================================================== stances
# -- verbs: holder = subject, target = direct object ------------------------------------------
POSITIVE_VERBS = frozenset(
    """
support back praise welcome endorse defend thank applaud commend hail laud congratulate
embrace champion admire trust respect credit salute protect favor favour recommend
reward honor honour compliment vindicate exonerate pardon nominate tout
""".split()
)

NEGATIVE_VERBS = frozenset(
    """
criticize criticise condemn reject oppose accuse blame attack distrust mistrust slam denounce
sue blast assail rebuke lambast lambaste chastise decry deride mock ridicule insult threaten
impeach indict sanction punish disparage denigrate smear vilify scold berate taunt snub boycott
ban fault scorn bash castigate excoriate skewer ridicule belittle demonize demonise undermine
betray doubt hate despise discredit humiliate harass intimidate bully charge oust depose
topple overthrow invade question challenge confront resist fight block obstruct veto censure
reprimand admonish slander libel defame troll shame denounce repudiate disavow disown
""".split()
)
# Left out on purpose: acts of force and law (kill, bomb, strike, arrest, convict, investigate,
# fire, beat, defeat): on the training data they mostly report events, not a stance.

# verbs whose target is a prepositional object: (lemma, preposition) -> polarity
PREP_VERBS = {
    ("side", "with"): 1,
    ("stand", "with"): 1,
    ("stand", "by"): 1,
    ("stand", "behind"): 1,
    ("vote", "for"): 1,
    ("campaign", "for"): 1,
    ("agree", "with"): 1,
    ("rally", "behind"): 1,
    ("rally", "around"): 1,
    ("cooperate", "with"): 1,
    ("ally", "with"): 1,
    ("root", "for"): 1,
    ("vouch", "for"): 1,
    ("speak", "for"): 1,
    ("stick", "with"): 1,
    ("stick", "by"): 1,
    ("vote", "against"): -1,
    ("campaign", "against"): -1,
    ("disagree", "with"): -1,
    ("fight", "against"): -1,
    ("rail", "against"): -1,
    ("speak", "against"): -1,
    ("turn", "on"): -1,
    ("turn", "against"): -1,
    ("break", "with"): -1,
    ("lash", "at"): -1,
    ("side", "against"): -1,
    ("protest", "against"): -1,
    ("warn", "against"): -1,
    ("lash", "out"): -1,
    ("hit", "at"): -1,
    ("fire", "at"): -1,
    ("lash", "against"): -1,
    ("clash", "with"): -1,
    ("feud", "with"): -1,
    ("spar", "with"): -1,
    ("rebel", "against"): -1,
    ("retaliate", "against"): -1,
    ("sneer", "at"): -1,
    ("scoff", "at"): -1,
    ("pounce", "on"): -1,
    ("crack", "on"): -1,
    ("go", "after"): -1,
    ("pile", "on"): -1,
    ("hit", "back"): -1,
}

# verb + particle (+ preposition) phrasal cues: (lemma, particle) -> polarity; target = object or pobj
PHRASAL_VERBS = {
    ("call", "out"): -1,
    ("lash", "out"): -1,
    ("speak", "out"): -1,
    ("hit", "out"): -1,
    ("stand", "up"): 1,
    ("cheer", "on"): 1,
    ("prop", "up"): 1,
    ("shore", "up"): 1,
    ("tear", "down"): -1,
    ("shout", "down"): -1,
    ("push", "back"): -1,
    ("crack", "down"): -1,
    ("sign", "on"): 1,
    ("back", "away"): -1,
    ("hit", "back"): -1,
}

# -- nouns: "X's support for Y", "criticism of Y by X", "X voiced support for Y" ---------------
POSITIVE_NOUNS = frozenset(
    """
support backing praise endorsement approval admiration respect trust gratitude thanks
solidarity sympathy applause congratulations tribute loyalty alliance friendship confidence
defense defence
""".split()
)

NEGATIVE_NOUNS = frozenset(
    """
criticism condemnation opposition attack attacks accusation accusations allegation allegations
lawsuit distrust mistrust hostility sanctions rebuke denunciation ridicule contempt disdain
animosity hatred scorn threat threats boycott impeachment insult insults jab jabs broadside
tirade diatribe backlash outrage rivalry feud grievance grievances objection objections
""".split()
)

# nouns naming a person by their stance: "X, a longtime critic of Y", "X is a Y supporter"
RELATIONAL_NOUNS = {
    "critic": -1,
    "opponent": -1,
    "foe": -1,
    "detractor": -1,
    "enemy": -1,
    "adversary": -1,
    "nemesis": -1,
    "accuser": -1,
    "supporter": 1,
    "backer": 1,
    "ally": 1,
    "fan": 1,
    "admirer": 1,
    "defender": 1,
    "champion": 1,
    "friend": 1,
    "loyalist": 1,
    "confidant": 1,
    "booster": 1,
    "endorser": 1,
    "donor": 1,
}

# prepositions that introduce the target of a stance noun or adjective
TARGET_PREPS = frozenset(
    {"for", "of", "to", "on", "against", "behind", "toward", "towards", "at", "with", "about", "over", "upon"}
)

# light verbs whose subject holds the stance named by their object: "X voiced criticism of Y"
LIGHT_VERBS = frozenset(
    """
express voice offer give lend throw show pledge declare announce extend reiterate signal
launch level mount file bring wage step lodge issue unleash direct hurl make
""".split()
)

# -- adjectives: "X is critical of Y" ----------------------------------------------------------
POSITIVE_ADJ = frozenset(
    """
supportive grateful loyal sympathetic friendly favorable favourable fond proud appreciative
thankful warm
""".split()
)
NEGATIVE_ADJ = frozenset(
    """
critical hostile opposed wary skeptical sceptical suspicious angry furious dismissive
contemptuous scornful distrustful resentful harsh unfriendly unfavorable unfavourable
""".split()
)

# -- words that frame a stance in a quote: "talking with X is out of the question" -------------
NEGATIVE_PHRASES = (
    "out of the question",
    "not an option",
    "unacceptable",
    "cannot be trusted",
    "can't be trusted",
    "not be trusted",
    "a disgrace",
    "a liar",
    "a criminal",
    "a terrorist",
    "a war criminal",
    "a dictator",
    "a threat",
)
POSITIVE_PHRASES = (
    "a great leader",
    "a good man",
    "a good friend",
    "a great friend",
    "a strong leader",
    "a partner",
    "an ally",
)

# -- modifiers --------------------------------------------------------------------------------
NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor", "hardly", "barely", "nt"})
# verbs whose complement is not done: "refused to back X" = did not back X
NEGATING_VERBS = frozenset(
    {"refuse", "decline", "fail", "stop", "cease", "deny", "avoid", "reject", "resist", "hesitate"}
)
# hedges: the stance is hypothetical or asked about, not taken
MODALS = frozenset({"could", "might", "may", "would", "should", "must", "can"})
HEDGING_VERBS = frozenset(
    {
        "consider",
        "weigh",
        "mull",
        "threaten",
        "plan",
        "hope",
        "want",
        "seek",
        "try",
        "expect",
        "intend",
        "aim",
        "promise",
        "vow",
        "pledge",
    }
)

# verbs of saying (and two of belief) under which a stance is reported by their subject; the
# saying verbs themselves are the REPORTING_SPEECH_VERBS above
SAYING_VERBS = REPORTING_SPEECH_VERBS | frozenset({"believe", "think"})

# common nouns that name actors (so "the senator" can be a holder or target)
ACTOR_NOUNS = frozenset(
    """
president senator governor mayor minister secretary official officials spokesman spokeswoman
spokesperson government administration leader leaders lawmaker lawmakers legislator legislators
congressman congresswoman representative ambassador diplomat diplomats general commander
army military militia militias forces rebels police prosecutor prosecutors judge court
party campaign candidate nominee chairman chairwoman chief director king queen prince
prime premier chancellor regime authorities ministry department agency committee council
parliament congress senate democrats republicans conservatives liberals critics supporters
opponents allies activists protesters voters company firm group union coalition team
strongman dictator envoy delegation state states country nation
""".split()
)

PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers"})
GROUP_PRONOUNS = frozenset({"they", "them", "their", "we", "us", "our", "it", "its"})
FIRST_PERSON = frozenset({"i", "me", "my", "we", "us", "our"})


def verb_polarity(lemma: str) -> int:
    """+1 / -1 for a stance verb, 0 for anything else."""
    if lemma in POSITIVE_VERBS:
        return 1
    if lemma in NEGATIVE_VERBS:
        return -1
    return 0


def noun_polarity(lemma: str) -> int:
    """+1 / -1 for a stance noun, 0 for anything else."""
    if lemma in POSITIVE_NOUNS:
        return 1
    if lemma in NEGATIVE_NOUNS:
        return -1
    return 0


def adj_polarity(lemma: str) -> int:
    """+1 / -1 for a stance adjective, 0 for anything else."""
    if lemma in POSITIVE_ADJ:
        return 1
    if lemma in NEGATIVE_ADJ:
        return -1
    return 0


def cue_polarity(lemma: str) -> int:
    """Polarity of any cue word regardless of part of speech (used as a model feature)."""
    return verb_polarity(lemma) or noun_polarity(lemma) or adj_polarity(lemma)


# "X came under attack from Y", "X, which has come under assault by Y", "X is under fire from Y":
# the noun after "under" is a stance Y holds against the subject X.
UNDER_NOUNS = {
    "attack": -1,
    "assault": -1,
    "fire": -1,
    "siege": -1,
    "bombardment": -1,
    "criticism": -1,
    "threat": -1,
    "shelling": -1,
    "pressure": -1,
}


# ====================================================================== more words the rules read

# prepositions that make a country named after them a place, not an actor ("in Libya")
LOCATIVE_PREPS = {
    "in",
    "at",
    "inside",
    "outside",
    "near",
    "into",
    "to",
    "across",
    "around",
    "throughout",
    "within",
    "toward",
    "towards",
    "through",
    "over",
    "on",
    "of",
    "for",
}

# words left out when a name's initials are formed ("Government of National Accord" -> GNA)
NOT_INITIALLED = {"of", "the", "and", "for", "on", "in", "to", "a", "an", "&", "at", "de", "la"}

# small words that stay lower-case inside a name made readable ("Government of the Republic")
SMALL_NAME_WORDS = {"of", "the", "and", "for", "de", "del", "la", "le", "von", "van", "on", "in", "at", "a", "an"}

# armed bodies named by whose they are ("Haftar's forces": his group)
ARMED_GROUP_NOUNS = {"militia", "militias", "force", "forces", "troops", "fighters", "loyalists", "army", "men"}

# verbs whose subject "it" is usually empty ("it seems"), so no actor
PLEONASTIC_VERBS = {
    "seem",
    "appear",
    "come",
    "matter",
    "happen",
    "take",
    "rain",
    "look",
    "sound",
    "make",
    "mean",
    "remain",
    "become",
    "feel",
    "turn",
    "go",
    "work",
}

# modifiers of a description that refers forward or to someone new ("the next president")
NOT_BACK = {"next", "future", "first", "new", "another", "incoming", "eventual"}

# nouns naming people by their relation to someone: the possessor is not the actor
RELATIONAL_PEOPLE = frozenset(
    {
        "critics",
        "critic",
        "opponents",
        "opponent",
        "supporters",
        "supporter",
        "allies",
        "ally",
        "rivals",
        "rival",
        "enemies",
        "enemy",
        "foes",
        "foe",
        "detractors",
        "fans",
        "backers",
        "challengers",
        "challenger",
        "accusers",
        "accuser",
        "victims",
        "victim",
    }
)

# the type of an actor only a stance names, by its head noun ("the regime": a government)
GOVERNMENT_NOUNS = {"government", "administration", "regime", "ministry", "cabinet", "authorities"}

ORG_NOUNS = {
    "party",
    "campaign",
    "committee",
    "council",
    "agency",
    "department",
    "company",
    "firm",
    "union",
    "coalition",
    "court",
    "congress",
    "senate",
    "parliament",
}
PERSON_ROLE_NOUNS = frozenset(
    {
        "president",
        "senator",
        "governor",
        "mayor",
        "minister",
        "secretary",
        "spokesman",
        "spokeswoman",
        "leader",
        "general",
        "strongman",
        "dictator",
        "chairman",
        "judge",
    }
)
