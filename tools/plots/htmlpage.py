"""Self-contained HTML pages for sdsim's reports (report.html, sweep.html, lessons).

One page = a title and a list of parts: headings, paragraphs, tables and matplotlib
figures. Figures are embedded as base64 PNG (<img src="data:image/png;base64,...">), so the
page is one file that opens anywhere, offline. Pages are written atomically (a temporary
file in the same folder renamed into place). Uses only Debian's python3-matplotlib.
"""

import base64
import html
import io
import os
import tempfile

import matplotlib

matplotlib.use("Agg")  # no display: render to PNG
import matplotlib.pyplot as plt  # noqa: E402

STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 1.5em auto; padding: 0 1em;
       color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #eee; }
img { max-width: 100%; height: auto; display: block; margin: 0.5em 0; }
.verdict-ok { color: #176d17; font-weight: bold; }
.verdict-bad { color: #b01c1c; font-weight: bold; }
.note { color: #555; font-size: 0.9em; }
pre { background: #f4f4f4; padding: 0.6em; overflow-x: auto; }
.wide { overflow-x: auto; }
"""


class Page:
    """An HTML page built part by part, then written with write()."""

    def __init__(self, title):
        self.title = title
        self.parts = []

    def heading(self, text, level=2):
        self.parts.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def paragraph(self, text, css_class=None):
        cls = f' class="{css_class}"' if css_class else ""
        self.parts.append(f"<p{cls}>{html.escape(text)}</p>")

    def code(self, text):
        self.parts.append(f"<pre>{html.escape(text)}</pre>")

    def raw(self, markup):
        """Markup the caller built and escaped itself."""
        self.parts.append(markup)

    def table(self, header, rows, table_id=None):
        """header: column names; rows: lists of cells (str or numbers)."""
        tid = f' id="{html.escape(table_id)}"' if table_id else ""
        out = [f'<div class="wide"><table{tid}><thead><tr>']
        out += [f"<th>{html.escape(str(h))}</th>" for h in header]
        out.append("</tr></thead><tbody>")
        for row in rows:
            out.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>")
        out.append("</tbody></table></div>")  # a wide table scrolls, not the page
        self.parts.append("".join(out))

    def figure(self, fig, alt):
        """Embeds a matplotlib figure as a PNG and closes it."""
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
        plt.close(fig)
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        self.parts.append(f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">')

    def render(self):
        body = "\n".join(self.parts)
        return (
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(self.title)}</title><style>{STYLE}</style></head>\n"
            f"<body><h1>{html.escape(self.title)}</h1>\n{body}\n</body></html>\n"
        )

    def write(self, path):
        write_atomically(path, self.render())


def write_atomically(path, text):
    """Writes text to path through a temporary file renamed into place."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".html")
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a page is an ordinary file
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        # mkstemp makes the file private (0600); give it the usual mode of a new file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def new_figure(width=10, height=3.6):
    """A figure with one axes, sized for the page."""
    fig, ax = plt.subplots(figsize=(width, height))
    ax.grid(True, alpha=0.3)
    return fig, ax
