# Parses a feed with real parsers and prints what the Go test compares:
#   python3 parse.py atom|rss|ics FILE
# feedparser for Atom and RSS, icalendar for iCalendar.
import json, sys

kind, path = sys.argv[1], sys.argv[2]
if kind in ("atom", "rss"):
    import feedparser
    d = feedparser.parse(path)
    if d.bozo:
        sys.exit("not well formed: %s" % d.bozo_exception)
    out = {"version": d.version, "title": d.feed.title, "entries": [
        {"id": e.id, "title": e.title, "link": e.link, "tags": [t.term for t in e.get("tags", [])]}
        for e in d.entries]}
else:
    import icalendar
    cal = icalendar.Calendar.from_ical(open(path, "rb").read())
    out = {"events": [
        {"uid": str(ev.get("uid")), "summary": str(ev.get("summary")), "location": str(ev.get("location", "")),
         "start": ev.decoded("dtstart").isoformat(),
         "end": ev.decoded("dtend").isoformat() if ev.get("dtend") else ""}
        for ev in cal.walk("VEVENT")]}
print(json.dumps(out, ensure_ascii=False, sort_keys=True))
