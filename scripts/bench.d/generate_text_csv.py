"""Writes a CSV of text columns of about SIZE MiB (before any gzip), the same bytes on every run: a header and
rows of id, given_name, family_name, city, street, company, title, note. The notes are free text with commas
(and the delimiter), some quoted with doubled quotes inside; some values have letters beyond ASCII (é, ü, ß,
–, €, ’: all in windows-1252, so every encoding here can write them); some titles are empty. A block of rows
is made once and written over and over with fresh ids, so 1 GiB takes seconds, not minutes (gzip aside).
Prints the number of data rows.

usage: generate_text_csv.py SIZE_MIB OUT.csv [--delimiter D] [--encoding E] [--gzip] [--crlf]
  D: one character, or `tab` (default `,`); E: a Python codec name of an ASCII superset (default utf-8);
  --gzip: gzip level 6."""
import argparse
import gzip
import random

parser = argparse.ArgumentParser(description="a CSV of text columns for the CSV reader's benchmark")
parser.add_argument("size", type=int, help="MiB before compression")
parser.add_argument("out")
parser.add_argument("--delimiter", default=",")
parser.add_argument("--encoding", default="utf-8")
parser.add_argument("--gzip", action="store_true")
parser.add_argument("--crlf", action="store_true", help="CRLF line ends (default LF)")
args = parser.parse_args()
delimiter = "\t" if args.delimiter == "tab" else args.delimiter
assert len(delimiter) == 1 and delimiter not in '"\r\n', "the delimiter is one character, not a quote or a line end"
newline = "\r\n" if args.crlf else "\n"

GIVEN = ["Anna", "José", "Zoë", "Jürgen", "Françoise", "Søren", "Mohammed", "Li", "Siobhán", "Björn", "Ana",
         "Noël", "Thomas", "Inès", "Mario", "Åsa", "Chloé", "Dmitri", "Renée", "Oliver", "Mia", "Raúl"]
FAMILY = ["Müller", "García", "O'Brien", "Nguyen", "Dubois", "Öztürk", "Smith", "Rossi", "Fernández",
          "Schäfer", "Kowalski", "Jensen", "Núñez", "Lefèvre", "Brown", "Weiß", "da Silva", "Ferreira"]
CITIES = ["München", "Zürich", "Málaga", "Köln", "São Paulo", "Kraków", "Reykjavík", "Lyon", "Düsseldorf",
          "Genève", "London", "Córdoba", "Göteborg", "Bruxelles", "Wien", "Montréal", "Porto", "Aarhus"]
STREETS = ["Hauptstraße", "Rue de la Paix", "Calle Mayor", "Königsallee", "Avenida da Liberdade",
           "Piazza Navona", "Baker Street", "Strøget", "Rue Saint-Honoré", "Bahnhofstraße", "Gran Vía"]
COMPANIES = ["Acme GmbH", "Bäckerei Schmidt", "Café Crème SARL", "Nordisk Træ A/S", "Smith, Jones & Co.",
             "Société Générale d'Énergie", "Müller & Söhne KG", "Peña Hermanos", "Widgets Ltd"]
TITLES = ["", "", "Dr.", "Prof.", "Mr.", "Ms.", "Mme", "Herr", "Frau", "Señor"]
WORDS = ["the", "order", "arrived", "late", "café", "naïve", "délivré", "größer", "über", "façade", "–",
         "€12.50", "invoice", "pending", "déjà", "vu", "résumé", "Straße", "piñata", "coöperation", "and",
         "customer", "asked", "for", "a", "refund", "crème", "brûlée", "it’s", "fine", "señal", "Øresund"]


def quoted(value):
    if delimiter in value or '"' in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def note(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(4, 18))]
    for _ in range(rng.randint(0, 3)):  # commas (and, for another delimiter, that delimiter too)
        words[rng.randrange(len(words))] += rng.choice([",", ",", ";", delimiter])
    if rng.random() < 0.15:  # a quoted word: the field is quoted and the quotes inside doubled
        index = rng.randrange(len(words))
        words[index] = '"' + words[index] + '"'
    return " ".join(words)


rng = random.Random(20260105)
BLOCK = 8192
tails = []  # every field after the id, with its delimiter in front and the line end after
for _ in range(BLOCK):
    street = f"{rng.choice(STREETS)} {rng.randint(1, 250)}"
    fields = [rng.choice(GIVEN), rng.choice(FAMILY), rng.choice(CITIES), street, rng.choice(COMPANIES),
              rng.choice(TITLES), note(rng)]
    tails.append(delimiter + delimiter.join(quoted(f) for f in fields) + newline)

header = delimiter.join(["id", "given_name", "family_name", "city", "street", "company", "title", "note"]) + newline
size = args.size << 20
raw = open(args.out, "wb")
# mtime 0 and no file name in the gzip header: the same bytes on every run.
out = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) if args.gzip else raw
written = out.write(header.encode(args.encoding))
rows = 0
while written < size:
    text = "".join([f"{rows + i + 1}{tail}" for i, tail in enumerate(tails)])
    data = text.encode(args.encoding)
    last = written + len(data) >= size
    if last:  # the last block cut at a line end, to SIZE MiB at most
        data = data[:data.rfind(b"\n", 0, size - written) + 1]
    out.write(data)
    written += len(data)
    rows += data.count(b"\n")
    if last:
        break
out.close()
if out is not raw:
    raw.close()
print(rows)
