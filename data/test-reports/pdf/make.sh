#!/usr/bin/env bash
# Makes the test PDFs the ways offices make them, from the report contents in sources/:
#
#   NAME-word.pdf        a Word document (python-docx, word_report.py) saved as PDF by LibreOffice
#   NAME-word-plain.pdf  the same in the borderless template (serif, US Letter, 40/60 columns)
#   NAME-uppfolj.pdf     Uppfölj's own PDF with its attached JSON removed (qpdf)
#   NAME-chromium.pdf    Uppfölj's HTML report printed to PDF by Chromium, with the browser's
#                        own page header and footer (date, title, address, page numbers)
#   NAME-*.txt           each PDF through `pdftotext`, and `pdftotext -layout` (*-layout.txt)
#
# The tests read every one of them and compare with sources/NAME.json, word for word. The outputs
# are committed; run this again only to change the material. Needs Debian's
# libreoffice-writer-nogui, chromium, qpdf and poppler-utils, PyPI's python-docx, and the
# uppfolj binary (UPPFOLJ, default target/debug/uppfolj).
#
# sources/goteborg-intraservice-2025.json is made here too when missing: the seed imported and
# read back from Uppfölj's PDF attachment.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
uppfolj="${UPPFOLJ:-$root/target/debug/uppfolj}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

city_of() { case "$1" in goteborg-*) echo "Göteborgs Stad" ;; *) echo "Exempelstaden" ;; esac; }

# Uppfölj typesets a report from its content: the content (the JSON its PDFs attach) imported
# into an empty database of its own, then rendered.
uppfolj_render() { # SOURCE FORMAT OUT
  local db="$work/$(basename "$1" .json).sqlite"
  rm -f "$db"
  local organisation year
  organisation=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["organisation"])' "$1")
  year=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["round"].split()[-1])' "$1")
  DATABASE_URL="sqlite://$db" "$uppfolj" import report "$1" \
    --organisation "$organisation" --round "$year" > /dev/null
  DATABASE_URL="sqlite://$db" "$uppfolj" report organisation --round "$year" \
    --organisation "$organisation" --format "$2" --out "$3"
}

seed="$here/sources/goteborg-intraservice-2025.json"
if [ ! -f "$seed" ]; then
  db="$work/seed.sqlite"
  DATABASE_URL="sqlite://$db" "$uppfolj" import report "$root/data/goteborg/reports/intraservice-2025.txt" \
    --organisation "Nämnden för Intraservice" --round 2025 > /dev/null
  DATABASE_URL="sqlite://$db" "$uppfolj" report organisation --round 2025 \
    --organisation "Nämnden för Intraservice" --format pdf --out "$work/seed.pdf"
  qpdf --show-attachment=uppfolj-rapport.json "$work/seed.pdf" | python3 -m json.tool --indent 2 > "$seed"
fi

for source in "$here"/sources/*.json; do
  name=$(basename "$source" .json)
  echo "$name"
  python3 "$here/word_report.py" "$source" "$work/$name.docx" --city "$(city_of "$name")"
  soffice --headless --convert-to pdf --outdir "$work" "$work/$name.docx" > /dev/null 2>&1
  mv "$work/$name.pdf" "$here/$name-word.pdf"
  python3 "$here/word_report.py" "$source" "$work/$name.docx" --city "$(city_of "$name")" --style plain
  soffice --headless --convert-to pdf --outdir "$work" "$work/$name.docx" > /dev/null 2>&1
  mv "$work/$name.pdf" "$here/$name-word-plain.pdf"

  uppfolj_render "$source" pdf "$work/$name.pdf"
  qpdf --remove-attachment=uppfolj-rapport.json "$work/$name.pdf" "$here/$name-uppfolj.pdf"

  uppfolj_render "$source" html "$work/$name.html"
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --disable-quic --user-data-dir="$work/chromium" \
    --print-to-pdf="$here/$name-chromium.pdf" "file://$work/$name.html" 2> /dev/null

  for kind in word word-plain uppfolj chromium; do
    pdftotext "$here/$name-$kind.pdf" "$here/$name-$kind.txt"
    pdftotext -layout "$here/$name-$kind.pdf" "$here/$name-$kind-layout.txt"
  done
done

# PDFs that are not follow-up reports, which import must refuse: a letter, a scanned page (an
# image only) and an encrypted report.
cat > "$work/letter.html" <<'HTML'
<!DOCTYPE html><html lang="sv"><meta charset="utf-8"><title>Kallelse</title>
<h1>Kallelse till nämndens sammanträde</h1>
<p>Nämnden sammanträder den 12 mars klockan 17.00 i stadshusets sessionssal.</p>
<ol><li>Val av justerare</li><li>Budget 2025</li><li>Övriga frågor</li></ol>
HTML
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --disable-quic --user-data-dir="$work/chromium" \
  --no-pdf-header-footer --print-to-pdf="$here/not-a-report-letter.pdf" "file://$work/letter.html" 2> /dev/null
pdftoppm -r 60 -png -f 3 -l 3 "$here/exempelstaden-miljonamnden-2024-word.pdf" "$work/scan"
echo "<!DOCTYPE html><html><body style='margin:0'><img src='$(ls "$work"/scan*.png)' style='width:100%'></body></html>" > "$work/scan.html"
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --disable-quic --user-data-dir="$work/chromium" \
  --no-pdf-header-footer --print-to-pdf="$here/not-a-report-scanned.pdf" "file://$work/scan.html" 2> /dev/null
qpdf --encrypt hemligt hemligt 256 -- "$here/exempelstaden-miljonamnden-2024-word.pdf" "$here/not-a-report-encrypted.pdf"
