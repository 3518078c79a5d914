"""The demo company: a made-up windows-and-siding business (`company`), the
names and streets it is made of (`names`), and the files attached to its
leads (`files`). `rep-tui demo` and the tests build it through the real
server, so the demo is the real system with invented people."""
