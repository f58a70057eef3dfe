# SPDX-License-Identifier: MIT
"""A campaign's coverage and exec/s over time as a self-contained SVG.

write_svg(path, series, title) with series = [(elapsed_s, total_execs,
coverage, execs_per_sec), ...]: two stacked panels sharing the time axis.
Hand-written SVG (no plotting library): polylines, axis ticks, labels.
"""

from xml.sax.saxutils import escape

W, PANEL_H, LEFT, RIGHT, TOP, GAP = 760, 200, 70, 20, 40, 50


def _nice_max(v):
    if v <= 0:
        return 1
    mag = 10 ** (len(str(int(v))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= v:
            return m * mag
    return 10 * mag


def _label(v):
    if v >= 1e6:
        return "%gM" % round(v / 1e6, 2)
    if v >= 1e3:
        return "%gk" % round(v / 1e3, 2)
    return "%g" % round(v, 2)


def _panel(out, y0, xs, ys, tmax, name, colour):
    ymax = _nice_max(max(ys) if ys else 0)
    w = W - LEFT - RIGHT
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>' % (
        LEFT, y0, w, PANEL_H))
    for i in range(5):
        v = ymax * i / 4
        y = y0 + PANEL_H - PANEL_H * i / 4
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#eee"/>' % (LEFT, y, LEFT + w, y))
        out.append('<text x="%d" y="%.1f" text-anchor="end" font-size="11">%s</text>' % (
            LEFT - 6, y + 4, _label(v)))
    for i in range(6):
        t = tmax * i / 5
        x = LEFT + w * i / 5
        out.append('<text x="%.1f" y="%d" text-anchor="middle" font-size="11">%ss</text>' % (
            x, y0 + PANEL_H + 15, _label(t)))
    out.append('<text x="%d" y="%d" font-size="12" font-weight="bold">%s</text>' % (
        LEFT, y0 - 6, escape(name)))
    if xs:
        pts = " ".join("%.1f,%.1f" % (LEFT + w * x / tmax, y0 + PANEL_H - PANEL_H * y / ymax)
                       for x, y in zip(xs, ys))
        out.append('<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>' % (colour, pts))
    else:
        out.append('<text x="%d" y="%d" font-size="12">no samples</text>' % (
            LEFT + 10, y0 + PANEL_H // 2))


def write_svg(path, series, title):
    xs = [float(s[0]) for s in series]
    cov = [float(s[2]) for s in series]
    eps = [float(s[3]) for s in series]
    tmax = max(xs) if xs and max(xs) > 0 else 1
    h = TOP + 2 * PANEL_H + GAP + 40
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif">' % (W, h),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="20" font-size="14">%s</text>' % (LEFT, escape(title))]
    _panel(out, TOP, xs, cov, tmax, "coverage (edges / cov)", "#1f77b4")
    _panel(out, TOP + PANEL_H + GAP, xs, eps, tmax, "executions per second", "#d62728")
    out.append('<text x="%d" y="%d" font-size="11" text-anchor="middle">elapsed time</text>' % (
        LEFT + (W - LEFT - RIGHT) // 2, h - 5))
    out.append("</svg>\n")
    with open(path, "w") as f:
        f.write("\n".join(out))
