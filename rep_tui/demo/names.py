"""Word lists and weights for the demo company: people, places, products,
how results and jobs go, and the things reps and the office write. Kept
apart from `rep_tui.demo.company` so the generator reads as logic, not data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# --- people --------------------------------------------------------------------

FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
    "Joseph Jessica Thomas Sarah Christopher Karen Charles Lisa Daniel Nancy Matthew Betty Anthony Sandra "
    "Mark Margaret Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol "
    "Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura "
    "Jeffrey Cynthia Ryan Kathleen Jacob Amy Gary Angela Nicholas Shirley Eric Anna Jonathan Brenda "
    "Stephen Pamela Larry Emma Justin Nicole Scott Helen Brandon Samantha Benjamin Katherine Samuel "
    "Christine Gregory Debra Alexander Rachel Patrick Carolyn Frank Janet Raymond Catherine Jack Maria "
    "Dennis Heather Jerry Diane Tyler Ruth Aaron Julie Jose Olivia Adam Joyce Nathan Virginia Henry "
    "Victoria Douglas Kelly Zachary Lauren Peter Christina Kyle Joan Ethan Evelyn Walter Judith Noah "
    "Megan Jeremy Andrea Christian Cheryl Keith Hannah Roger Jacqueline Terry Martha Austin Gloria Sean "
    "Teresa Gerald Ann Carl Sara Harold Madison Dylan Frances Arthur Kathryn Lawrence Janice Jordan Jean "
    "Jesse Abigail Bryan Alice Billy Judy Bruce Sophia Gabriel Grace Joe Denise Logan Amber Alan Doris "
    "Juan Marilyn Albert Danielle Willie Beverly Elijah Isabella Wayne Theresa Randy Diana Vincent "
    "Natalie Mason Brittany Roy Charlotte Ralph Marie Bobby Kayla Russell Alexis Bradley Lori Carlos "
    "Luis Miguel Rosa Guadalupe Deshawn Tamika Darnell Latoya Wei Mei Priya Raj Anh Minh Tuan Linh "
    "Dmitri Olga Giovanni Francesca Sean Siobhan Aisha Omar Fatima"
).split() + [
    "José", "Zoë", "Renée", "André", "Chloé", "Inés", "Ramón", "Sofía", "Björn", "Siobhán", "Zoë", "José",
    "Mary Beth", "Jo Ann", "Billy Ray",
]

LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
    "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
    "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker "
    "Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper "
    "Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James "
    "Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster "
    "Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher "
    "Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno "
    "West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall "
    "Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb "
    "Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason "
    "Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren "
    "Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne "
    "Grant Dunn Kowalski Nowak Wisniewski Lindqvist Johansson Schultz Becker Hoffman Novak Esposito "
    "Romano Rossi Kaminski Okafor Mensah Yamamoto Tanaka Shah Singh Das"
).split() + [
    "O'Brien", "O'Connor", "O'Neil", "D'Angelo", "D'Amico", "Nguyễn", "Trần", "Sánchez", "Müller",
    "Brontë", "García", "Peña", "Muñoz", "Ramírez", "Hernández", "González", "Dubois", "Côté",
    "McKenzie", "MacDonald", "St. James", "De La Cruz", "Van Dyke", "O'Brien", "Smith-Jones",
]

# Names every demo has, whatever its size, because search must cope with them.
SHOWCASE_NAMES = (
    ("Kathleen", "O'Brien"), ("Sean", "O'Brien"), ("Patrick", "O'Connor"), ("Anthony", "D'Angelo"),
    ("José", "Sánchez"), ("Zoë", "Müller"), ("Anh", "Nguyễn"), ("Emily", "Brontë"), ("Margaret", "Smith-Jones"),
)

# --- places --------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    name: str
    county: str
    zips: tuple[str, ...]
    area_codes: tuple[str, ...]


@dataclass(frozen=True)
class OfficeSpec:
    city: str
    state: str
    region: str
    time_zone: str
    teams: tuple[str, ...]
    cities: tuple[City, ...]
    streets: tuple[str, ...]  # local thoroughfares, on top of COMMON_STREETS


REPS_PER_TEAM = 5
OFFICES = (
    OfficeSpec(
        "Chicago", "IL", "Chicago Metro", "America/Chicago", ("North Shore", "West Suburbs", "South Side"),
        (
            City("Chicago", "Cook", ("60614", "60618", "60625", "60630", "60641", "60647", "60657"), ("312", "773")),
            City("Evanston", "Cook", ("60201", "60202"), ("847", "224")),
            City("Oak Park", "Cook", ("60302", "60304"), ("708",)),
            City("Skokie", "Cook", ("60076", "60077"), ("847",)),
            City("Schaumburg", "Cook", ("60193", "60194"), ("847", "224")),
            City("Arlington Heights", "Cook", ("60004", "60005"), ("847",)),
            City("Orland Park", "Cook", ("60462", "60467"), ("708",)),
            City("Naperville", "DuPage", ("60540", "60563", "60565"), ("630", "331")),
            City("Wheaton", "DuPage", ("60187", "60189"), ("630",)),
            City("Downers Grove", "DuPage", ("60515", "60516"), ("630",)),
            City("Aurora", "Kane", ("60504", "60506"), ("630", "331")),
            City("Elgin", "Kane", ("60120", "60123"), ("847", "224")),
            City("Joliet", "Will", ("60431", "60435"), ("815",)),
            City("Waukegan", "Lake", ("60085", "60087"), ("847", "224")),
        ),
        ("N Milwaukee Ave", "W Belmont Ave", "N Damen Ave", "W Irving Park Rd", "N Western Ave",
         "W Addison St", "N Kedzie Ave", "W Lawrence Ave", "S Halsted St", "N Harlem Ave"),
    ),
    OfficeSpec(
        "Dallas", "TX", "DFW Metroplex", "America/Chicago", ("Dallas Central", "Plano North", "Fort Worth West"),
        (
            City("Dallas", "Dallas", ("75214", "75218", "75228", "75230", "75243"), ("214", "469", "972")),
            City("Garland", "Dallas", ("75040", "75043"), ("972",)),
            City("Irving", "Dallas", ("75038", "75061", "75062"), ("972", "469")),
            City("Richardson", "Dallas", ("75080", "75081"), ("972",)),
            City("Mesquite", "Dallas", ("75149", "75150"), ("972",)),
            City("Plano", "Collin", ("75023", "75024", "75093"), ("972", "469")),
            City("Frisco", "Collin", ("75033", "75034"), ("469", "972")),
            City("McKinney", "Collin", ("75070", "75071"), ("972",)),
            City("Arlington", "Tarrant", ("76010", "76016", "76017"), ("817", "682")),
            City("Fort Worth", "Tarrant", ("76107", "76109", "76132"), ("817", "682")),
            City("Denton", "Denton", ("76201", "76205"), ("940",)),
            City("Carrollton", "Denton", ("75007",), ("972",)),
        ),
        ("Preston Rd", "Greenville Ave", "Mockingbird Ln", "Skillman St", "Abrams Rd", "Coit Rd",
         "Belt Line Rd", "Camp Bowie Blvd", "Legacy Dr", "Custer Rd"),
    ),
    OfficeSpec(
        "Denver", "CO", "Front Range", "America/Denver", ("Denver Metro", "Boulder Valley"),
        (
            City("Denver", "Denver", ("80205", "80209", "80210", "80219", "80220", "80230"), ("303", "720")),
            City("Aurora", "Arapahoe", ("80012", "80013", "80015"), ("303", "720")),
            City("Littleton", "Arapahoe", ("80120", "80122", "80123"), ("303", "720")),
            City("Centennial", "Arapahoe", ("80112", "80121"), ("303", "720")),
            City("Lakewood", "Jefferson", ("80226", "80227", "80232"), ("303", "720")),
            City("Arvada", "Jefferson", ("80002", "80003", "80004"), ("303", "720")),
            City("Westminster", "Adams", ("80030", "80031"), ("303", "720")),
            City("Thornton", "Adams", ("80229", "80233", "80241"), ("303", "720")),
            City("Boulder", "Boulder", ("80301", "80303", "80304"), ("303", "720")),
            City("Longmont", "Boulder", ("80501", "80503"), ("303", "720")),
            City("Highlands Ranch", "Douglas", ("80126", "80129", "80130"), ("303", "720")),
            City("Castle Rock", "Douglas", ("80104", "80108"), ("303", "720")),
        ),
        ("E Colfax Ave", "S Broadway", "W 38th Ave", "S University Blvd", "E Evans Ave", "W Alameda Ave",
         "S Federal Blvd", "Wadsworth Blvd", "E Hampden Ave", "Pearl St"),
    ),
)

COMMON_STREETS = tuple(f"{name} {suffix}" for name, suffix in (
    ("Maple", "Ave"), ("Oak", "St"), ("Cedar", "Ln"), ("Elm", "St"), ("Pine", "Ct"), ("Birch", "Dr"),
    ("Walnut", "St"), ("Willow", "Way"), ("Hickory", "Ln"), ("Chestnut", "Dr"), ("Sycamore", "Ct"),
    ("Washington", "St"), ("Lincoln", "Ave"), ("Jefferson", "St"), ("Madison", "Ave"), ("Jackson", "St"),
    ("Park", "Ave"), ("Lake", "St"), ("Hillside", "Dr"), ("Meadow", "Ln"), ("Prairie", "Ave"),
    ("Sunset", "Blvd"), ("Ridge", "Rd"), ("Highland", "Ave"), ("Forest", "Dr"), ("Church", "St"),
    ("Mill", "Rd"), ("Spring", "St"), ("Country Club", "Dr"), ("Fairview", "Ave"), ("Brookside", "Dr"),
    ("Timber", "Trl"), ("Aspen", "Cir"), ("Bluebonnet", "Ln"), ("Quail Run", "Dr"), ("Stonegate", "Ct"),
    ("Windsor", "Pl"), ("Harvest", "Way"), ("Cherry Hill", "Rd"), ("Foxtail", "Ln"),
))

# --- company -------------------------------------------------------------------

COMPANY_DOMAIN = "brightline-exteriors.example"
DEMO_REP = ("demo", "Dana Reyes")
DEMO_MANAGER = ("demo-manager", "Frank Kowalski")
ADMIN = ("admin", "Pat Morgan")
OFFICE_STAFF = ("Linda Park (office)", "Marcus Webb (install coordinator)", "Gail Thompson (finance)",
                "Rosa Delgado (call center)", "Tom Brennan (service)")

EMAIL_DOMAINS = (("gmail.com", 45), ("yahoo.com", 14), ("icloud.com", 9), ("hotmail.com", 8),
                 ("outlook.com", 8), ("comcast.net", 6), ("aol.com", 5), ("att.net", 3), ("sbcglobal.net", 2))
BAD_EMAIL_DOMAINS = ("gmial.com", "gmail.con", "yaho.com", "hotmail..com", "outlook")

# A lead's last appointment is resulted with FINAL; the ones before it led to
# another visit, so they carry codes that bring a rep back. With about one
# visit in six being such an earlier one, all past visits together come out
# near Sold 25%, Demo No Sale 25%, Be Back 12%, No Demo 8%, One Leg 8%,
# No Show 10%, Reset 7%, Cancel 5%.
FINAL_RESULTS = (("SOLD", 30), ("DNS", 25), ("BB", 8), ("ND", 10), ("1L", 7), ("NS", 9), ("RS", 6), ("CXL", 5))
EARLIER_RESULTS = (("BB", 30), ("DNS", 25), ("1L", 15), ("NS", 15), ("RS", 10), ("CXL", 5))
# Job milestones after the sale: (date column, fewest days, most days after the one before).
JOB_STEPS = (("rto_on", 2, 6), ("ordered_on", 1, 4), ("received_on", 10, 25), ("scheduled_on", 2, 10),
             ("completed_on", 0, 2), ("rercd_on", 3, 14))
PHONE_FORMATS = (("({a}) {e}-{n}", 40), ("{a}-{e}-{n}", 25), ("{a}.{e}.{n}", 10), ("{a}{e}{n}", 10),
                 ("+1 {a} {e} {n}", 8), ("1-{a}-{e}-{n}", 7))
COMMISSION_PCTS = tuple(Decimal(p) for p in ("6.00", "7.00", "7.50", "8.00", "9.00", "10.00"))
SOURCES = (("call-center", 40), ("web", 22), ("referral", 13), ("home-show", 10), ("self-gen", 15))
PAYMENT_METHODS = (("Finance", 45), ("Check", 25), ("Credit Card", 20), ("Cash", 10))


@dataclass(frozen=True)
class ProductSpec:
    name: str
    units: tuple[int, int]  # quoted units, low and high
    dollars: tuple[int, int]  # contract range
    items: tuple[tuple[str, str], ...]  # (SKU, name): per-unit line first, then extras


PRODUCTS = (
    ProductSpec("Windows", (6, 22), (8_000, 25_000), (
        ("WIN-DH-3000", "Double-hung vinyl window, triple pane"), ("WIN-CAP", "Exterior aluminum capping"),
        ("WIN-INST", "Installation and haul-away"))),
    ProductSpec("Siding", (12, 35), (12_000, 35_000), (
        ("SID-INS-SQ", "Insulated vinyl siding (per square)"), ("SID-SOF", "Soffit and fascia"),
        ("SID-WRAP", "House wrap and flashing"))),
    ProductSpec("Roofing", (18, 40), (10_000, 30_000), (
        ("ROOF-ARCH-SQ", "Architectural shingles (per square)"), ("ROOF-TEAR", "Tear-off and disposal"),
        ("ROOF-VENT", "Ridge vent and drip edge"))),
    ProductSpec("Bath", (1, 1), (9_000, 20_000), (
        ("BATH-ACR", "Acrylic tub-to-shower conversion"), ("BATH-WALL", "Wall surround, subway tile pattern"),
        ("BATH-ACC", "Grab bars, seat and fixtures"))),
    ProductSpec("Doors", (1, 4), (3_000, 12_000), (
        ("DOOR-FG", "Fiberglass entry door with sidelites"), ("DOOR-HW", "Hardware and weatherstrip"),
        ("DOOR-INST", "Installation and trim"))),
)

# --- what people write ---------------------------------------------------------

APPOINTMENT_NOTES = (
    "Both owners will be home.", "Gate code 4411.", "Call when 30 minutes out.", "Park on the street, not the drive.",
    "Wants to see color samples.", "Husband works nights — afternoon only.", "Has a quote from a competitor.",
    "Side door, front is blocked by renovation.",
)
ACCOUNT_NOTES = (
    "Customer requests call before arrival — dog in yard.", "Finance approved, 12 months same as cash.",
    "HOA approval needed before install; letter sent.", "Permit pulled, inspection after completion.",
    "Customer prefers text messages, not calls.", "Elderly homeowner; daughter co-signs.",
    "Storm door to be reinstalled after job.", "Color change requested after order — confirm with plant.",
)
OFFICE_NOTES = (
    "Lead came from the home show booth; asked about energy savings.", "Confirmed appointment by phone.",
    "Customer called to reschedule, moved to later in the week.", "Credit application approved.",
    "Do not call before 10 am.", "Previous customer (gutters, 2019) — treat as referral.",
    "Left voicemail to confirm; no answer.", "Spanish speaking — send a bilingual rep if possible.",
    "Customer asked for the warranty details in writing.", "Referral bonus owed to neighbor if sold.",
)
COMMENTS = (
    "Nice couple, very interested but want to talk to their son first.", "Quoted full house, wants just the front.",
    "Measured all openings, 2 need custom sizes.", "Went over financing; payment needs to be under $250/mo.",
    "Competitor quoted $2k less but with builder-grade product.", "Wife is the decision maker.",
    "Roof is 25 years old, visible granule loss.", "Tub is cracked, wants walk-in shower.",
    "Will call back after tax refund.", "Brought samples, liked the Sandstone color.",
    "Left brochure and price sheet on the porch.", "Neighbor two doors down bought last year.",
    "Asked for references in the area.", "Needs HOA approval first.", "Install crew noted rot on the back sill.",
    "Customer happy with the install, asked about siding next spring.",
)
ENGAGEMENT_SUBJECTS = (
    "Confirm appointment", "Follow up on quote", "Send brochure", "Financing questions", "Reschedule request",
    "Color samples drop-off", "Warranty question", "Post-install check",
)
CONTACT_ROLES = (("Spouse", "Spouse", 50), ("Co-owner", "Co-owner", 50), ("Adult child", "Family", None),
                 ("Property manager", "Manager", None), ("Co-owner", "Co-owner", 33.33))
PICTURE_CAPTIONS = (
    "Front elevation — existing wood windows", "Rear of house, rotted sill on kitchen window",
    "Roof, north slope — curled shingles", "Siding damage by the downspout", "Bathroom — existing tub",
    "Patio door, failed seal", "Garage side, faded siding",
)


def rep_count() -> int:
    """How many reps the demo company has (said before it is built)."""
    return sum(len(office.teams) for office in OFFICES) * REPS_PER_TEAM
