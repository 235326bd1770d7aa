"""Writes a report's content (the JSON Uppfölj attaches to its PDFs) as text in the layout of
the seed, `data/goteborg/reports/intraservice-2025.txt`: what a PDF reader gave for the city's
earlier tool. `make.sh` imports that text to have Uppfölj typeset the same report.

    python3 seed_text.py SOURCE.json > OUT.txt
"""

import json
import sys


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        report = json.load(f)
    out = []
    for line in report["lines"]:
        if line["kind"] == "heading":
            out += [f"{line['number']} {line['text']} ", ""]
            continue
        out += ["Uppföljningsfrågor Svarsalternativ med kommentar ", ""]
        for row in line["rows"]:
            question = row["text"]
            if row.get("audience"):
                question += f" ({row['audience']})"
            out.append(f"{question} ")
            for paragraph in row.get("guidance", []):
                out += [" ", f"{paragraph} "]
            if row.get("answer"):
                out += ["", f" {row['answer']} ", " "]
                for paragraph in filter(None, row.get("comment", "").split("\n\n")):
                    out += ["", f"{paragraph} "]
            out.append("")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
