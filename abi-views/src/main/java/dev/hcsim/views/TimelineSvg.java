package dev.hcsim.views;

import dev.hcsim.core.VcpuState;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a {@link TimelineModel} as one standalone SVG image: per VM a panel with one lane per vCPU
 * over virtual time, coloured by state, every trap a marker labelled with its call and status, and
 * arrows for kicks, IPIs, starts, power-off and directed yields. Hovering any shape shows the line of
 * the text timeline it stands for. The output depends on the model only (same trace, same bytes).
 */
public final class TimelineSvg {
    /** Fill colour per state; a runnable wait after a preemption is hatched instead. */
    public static final Map<VcpuState, String> COLOURS = new EnumMap<>(Map.of(
            VcpuState.RUNNING, "#2e7d32",
            VcpuState.RUNNABLE, "#ffca28",
            VcpuState.HALTED, "#90a4ae",
            VcpuState.OFF, "#eceff1",
            VcpuState.EXITED, "#8e24aa",
            VcpuState.STOPPED, "#c62828"));

    /** The picture's width in pixels. */
    public static final int WIDTH = 1200;
    private static final int LEFT = 80;
    private static final int RIGHT = 40;
    private static final int LANE = 18;
    private static final int LABEL_ROW = 14;
    private static final int MAX_LABEL_ROWS = 6;
    private static final int GAP = 14;
    /** A white outline under text, so lines behind a label do not cross its letters. */
    private static final String HALO = " stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\"";
    private static final double CHAR_WIDTH = 6.4; // 11px DejaVu Sans, on average: enough to keep labels apart

    private final StringBuilder sb = new StringBuilder();
    private final String id;
    private int y;
    private Scale scale;
    /** The boxes ({x0, y0, x1, y1}) of the labels drawn in the current panel, so that arrow labels can avoid them. */
    private final List<double[]> labelBoxes = new ArrayList<>();
    /** A state span narrower than this is drawn this wide, so that a 1-ns state can be seen and hovered. */
    public static final double MIN_SPAN_WIDTH = 2;
    /** Average width of a 10px arrow-label character. */
    public static final double SMALL_CHAR_WIDTH = 5.8;

    private TimelineSvg(String idPrefix) {
        this.id = idPrefix;
    }

    /**
     * The whole picture; {@code idPrefix} keeps element ids unique when several pictures share one HTML page.
     * @param model the timeline
     * @param idPrefix makes element ids unique when several pictures share a page
     * @return the SVG document
     */
    public static String render(TimelineModel model, String idPrefix) {
        return new TimelineSvg(idPrefix).draw(model);
    }

    private String draw(TimelineModel model) {
        y = 10;
        legend();
        for (TimelineModel.Panel p : model.panels()) {
            panel(p);
        }
        int height = y + 10;
        String head = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + WIDTH + "\" height=\"" + height + "\" viewBox=\"0 0 " + WIDTH + " "
                + height + "\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" font-size=\"11\" role=\"img\">\n"
                + "<title>hcsim timeline</title>\n" + defs() + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
        return head + sb + "</svg>\n";
    }

    private String defs() {
        return "<defs>\n"
                + "<pattern id=\"" + id + "preempted\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\">"
                + "<rect width=\"6\" height=\"6\" fill=\"" + COLOURS.get(VcpuState.RUNNABLE) + "\"/>"
                + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#e65100\" stroke-width=\"3\"/></pattern>\n"
                + "<marker id=\"" + id + "arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
                + "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1565c0\"/></marker>\n"
                + "</defs>\n";
    }

    private void legend() {
        int x = LEFT;
        int top = y;
        for (VcpuState s : COLOURS.keySet()) {
            x = swatch(x, top, fill(s, false), s.name().toLowerCase(Locale.ROOT));
            if (s == VcpuState.RUNNABLE) {
                x = swatch(x, top, fill(s, true), "preempted");
            }
        }
        sb.append("<path d=\"M").append(x + 5).append(',').append(top).append(" l5,8 l5,-8 z\" fill=\"#1b5e20\"/>");
        text(x + 20, top + 9, "trap \u2192 status", null);
        x += 125;
        sb.append("<line x1=\"").append(x).append("\" y1=\"").append(top + 5).append("\" x2=\"").append(x + 24).append("\" y2=\"").append(top + 5)
                .append("\" stroke=\"#1565c0\" stroke-width=\"1.5\" marker-end=\"url(#").append(id).append("arrow)\"/>");
        text(x + 30, top + 9, "kick / IPI / start / off / yield", null);
        sb.append('\n');
        y += 28;
    }

    private int swatch(int x, int top, String fill, String name) {
        sb.append("<rect x=\"").append(x).append("\" y=\"").append(top).append("\" width=\"14\" height=\"10\" fill=\"").append(fill)
                .append("\" stroke=\"#607d8b\" stroke-width=\"0.5\"/>");
        text(x + 18, top + 9, name, null);
        return x + 26 + (int) Math.ceil(name.length() * CHAR_WIDTH);
    }

    private String fill(VcpuState s, boolean preempted) {
        return preempted ? "url(#" + id + "preempted)" : COLOURS.get(s);
    }

    private void panel(TimelineModel.Panel p) {
        long end = Math.max(p.end(), 1);
        scale = Scale.of(p);
        labelBoxes.clear();
        sb.append("<g class=\"panel\">\n");
        text(10, y + 12, p.heading(), "font-weight=\"bold\" font-size=\"13\"");
        y += 22;
        int[] laneTop = new int[p.lanes().size()];
        for (TimelineModel.Lane lane : p.lanes()) {
            List<Placed> labels = placeLabels(lane);
            int rows = labels.stream().mapToInt(Placed::row).max().orElse(-1) + 1;
            int barTop = y + rows * LABEL_ROW + (rows > 0 ? 6 : 0);
            laneTop[lane.vcpu()] = barTop;
            text(10, barTop + 13, "vcpu" + lane.vcpu(), null);
            for (TimelineModel.Span s : lane.spans()) {
                double x0 = scale.x(s.from());
                double w = Math.max(scale.x(s.to()) - x0, MIN_SPAN_WIDTH);
                sb.append("<rect x=\"").append(f(x0)).append("\" y=\"").append(barTop).append("\" width=\"").append(f(w)).append("\" height=\"")
                        .append(LANE).append("\" fill=\"").append(fill(s.state(), s.preempted())).append("\"><title>")
                        .append(esc("vcpu" + lane.vcpu() + " " + (s.preempted() ? "runnable (preempted)" : s.state().name().toLowerCase(Locale.ROOT))
                                + (s.pcpu() >= 0 ? " on pcpu" + s.pcpu() : "")
                                + " from " + s.from() + " ns to " + s.to() + " ns"))
                        .append("</title></rect>\n");
            }
            sb.append("<rect x=\"").append(LEFT).append("\" y=\"").append(barTop).append("\" width=\"").append(WIDTH - LEFT - RIGHT)
                    .append("\" height=\"").append(LANE).append("\" fill=\"none\" stroke=\"#b0bec5\" stroke-width=\"0.5\"/>\n");
            for (TimelineModel.Marker m : lane.markers()) {
                double mx = scale.x(m.time());
                if (!m.trap()) {
                    sb.append("<line x1=\"").append(f(mx)).append("\" y1=\"").append(barTop - 2).append("\" x2=\"").append(f(mx)).append("\" y2=\"")
                            .append(barTop + LANE + 2).append("\" stroke=\"").append(m.error() ? "#b71c1c" : "#37474f")
                            .append("\" stroke-width=\"1\" stroke-dasharray=\"2,2\"><title>").append(esc(m.title())).append("</title></line>\n");
                }
            }
            // Leader lines and markers first, then every label over them with a white halo, so no line crosses a word.
            int mark = sb.length();
            StringBuilder leaders = new StringBuilder();
            for (Placed pl : labels) {
                TimelineModel.Marker m = pl.marker();
                double mx = scale.x(m.time());
                int rowY = y + pl.row() * LABEL_ROW + 10;
                String colour = m.error() ? "#b71c1c" : "#1b5e20";
                sb.append("<g class=\"trap-label\"><title>").append(esc(m.title())).append("</title>");
                text(pl.anchorEnd() ? mx - 3 : mx + 3, rowY, m.label(), "fill=\"" + colour + "\"" + HALO + (pl.anchorEnd() ? " text-anchor=\"end\"" : ""));
                double lw = m.label().length() * CHAR_WIDTH;
                labelBoxes.add(new double[] {pl.anchorEnd() ? mx - 3 - lw : mx + 3, rowY - 10, pl.anchorEnd() ? mx - 3 : mx + 3 + lw, rowY + 3});
                sb.append("</g>\n");
                StringBuilder leader = leaders;
                leader.append("<g class=\"trap\"><title>").append(esc(m.title())).append("</title>");
                leader.append("<line x1=\"").append(f(mx)).append("\" y1=\"").append(rowY + 2).append("\" x2=\"").append(f(mx)).append("\" y2=\"")
                        .append(barTop).append("\" stroke=\"").append(colour).append("\" stroke-width=\"0.7\"/>");
                leader.append("<path d=\"M").append(f(mx - 5)).append(',').append(barTop - 1).append(" l5,8 l5,-8 z\" fill=\"").append(colour)
                        .append("\" stroke=\"#ffffff\" stroke-width=\"0.7\"/></g>\n");
            }
            sb.insert(mark, leaders); // once per lane: inserting per marker made drawing quadratic in the events
            y = barTop + LANE + GAP;
        }
        arrows(p, laneTop);
        axis(end);
        sb.append("</g>\n");
    }

    private void arrows(TimelineModel.Panel p, int[] laneTop) {
        List<TimelineModel.Arrow> all = p.arrows();
        int k = 0;
        for (int i = 0; i < all.size(); i++) {
            TimelineModel.Arrow a = all.get(i);
            // Arrows of one instant from one vCPU (an IPI to many targets) fan out a few pixels apart;
            // the last of the group carries the group's label. k counts the group so far (linear, not rescanned).
            k = i > 0 && sameGroup(all.get(i - 1), a) ? k + 1 : 0;
            boolean lastOfGroup = i + 1 == all.size() || !sameGroup(all.get(i + 1), a);
            double ax = scale.x(a.time()) + 3 * k;
            boolean down = a.to() > a.from();
            double y1 = laneTop[a.from()] + (down ? LANE : 0);
            double y2 = laneTop[a.to()] + (down ? -1 : LANE + 1);
            String tip = a.title() + (a.via() == null ? "" : "  (by " + a.via() + ")");
            sb.append("<g class=\"arrow\"><title>").append(esc(tip)).append("</title><line x1=\"").append(f(ax)).append("\" y1=\"").append(f(y1))
                    .append("\" x2=\"").append(f(ax + 4)).append("\" y2=\"").append(f(y2))
                    .append("\" stroke=\"#1565c0\" stroke-width=\"1.5\" marker-end=\"url(#").append(id).append("arrow)\"/>");
            if (lastOfGroup) {
                String label = groupLabel(all, i - k, i);
                double lx = ax + 6;
                double ly = arrowLabelY(lx, label.length() * SMALL_CHAR_WIDTH, Math.min(y1, y2), Math.max(y1, y2));
                text(lx, ly, label, "fill=\"#1565c0\" font-size=\"10\"" + HALO);
                labelBoxes.add(new double[] {lx, ly - 9, lx + label.length() * SMALL_CHAR_WIDTH, ly + 2});
            }
            sb.append("</g>\n");
        }
    }

    /**
     * The baseline of an arrow's label: the middle of the arrow when no label is there, else the nearest height along
     * the arrow where the label's box touches no other label (trap labels sit in the rows above each lane, which is
     * where an arrow to that lane ends); the middle again when the arrow is too short for any free place.
     */
    private double arrowLabelY(double x, double w, double top, double bottom) {
        double mid = (top + bottom) / 2.0 + 4;
        for (int step = 0; step <= (int) ((bottom - top) / 3); step++) {
            for (int sign : new int[] {1, -1}) {
                double ly = mid + sign * step * 3;
                if (ly - 9 >= top && ly <= bottom + 9 && free(x, ly - 9, x + w, ly + 2)) {
                    return ly;
                }
            }
        }
        return mid;
    }

    private boolean free(double x0, double y0, double x1, double y1) {
        for (double[] b : labelBoxes) {
            if (x0 < b[2] && b[0] < x1 && y0 < b[3] && b[1] < y1) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameGroup(TimelineModel.Arrow a, TimelineModel.Arrow b) {
        return a.time() == b.time() && a.from() == b.from();
    }

    /** "IPI 0xec ×3", "kick, yield": the distinct labels of arrows {@code from..to}, counted. */
    private static String groupLabel(List<TimelineModel.Arrow> all, int from, int to) {
        java.util.LinkedHashMap<String, Integer> n = new java.util.LinkedHashMap<>();
        for (int i = from; i <= to; i++) {
            n.merge(all.get(i).label(), 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder();
        n.forEach((label, count) -> b.append(b.length() > 0 ? ", " : "").append(label).append(count > 1 ? " \u00d7" + count : ""));
        return b.toString();
    }

    private void axis(long end) {
        int top = y - GAP + 4;
        sb.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(top).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y2=\"").append(top)
                .append("\" stroke=\"#455a64\" stroke-width=\"1\"/>\n");
        long step = niceStep(end / 16.0);
        double last = Double.NEGATIVE_INFINITY;
        for (long t = 0; t <= end; t += step) {
            double tx = scale.x(t);
            if (tx - last < 56) {
                continue; // the square-root axis crowds ticks where time is compressed
            }
            last = tx;
            sb.append("<line x1=\"").append(f(tx)).append("\" y1=\"").append(top).append("\" x2=\"").append(f(tx)).append("\" y2=\"").append(top + 4)
                    .append("\" stroke=\"#455a64\"/>");
            text(tx, top + 15, time(t, end), "text-anchor=\"middle\" fill=\"#455a64\"");
            sb.append('\n');
        }
        text(WIDTH - RIGHT, top + 28, "virtual time (quiet stretches drawn shorter: each gap between events as its square root)", "text-anchor=\"end\" fill=\"#455a64\"");
        sb.append('\n');
        y = top + 40;
    }

    /** A trap label placed in a row above its lane, left of the marker when it would run off the right edge. */
    private record Placed(TimelineModel.Marker marker, int row, boolean anchorEnd) {
    }

    /** Greedy rows: each label goes in the first row where it does not touch the previous label (at most {@link #MAX_LABEL_ROWS} rows). */
    private List<Placed> placeLabels(TimelineModel.Lane lane) {
        List<Placed> out = new ArrayList<>();
        double[] rowEnd = new double[MAX_LABEL_ROWS];
        java.util.Arrays.fill(rowEnd, Double.NEGATIVE_INFINITY);
        for (TimelineModel.Marker m : lane.markers()) {
            if (!m.trap()) {
                continue;
            }
            double mx = scale.x(m.time());
            double w = m.label().length() * CHAR_WIDTH + 6;
            boolean anchorEnd = mx + w > WIDTH - 4;
            double start = anchorEnd ? mx - w : mx;
            int row = 0;
            while (row < MAX_LABEL_ROWS && rowEnd[row] + 4 > start) {
                row++;
            }
            if (row == MAX_LABEL_ROWS) { // every row is taken here: overlap where the least is hidden
                row = 0;
                for (int r = 1; r < MAX_LABEL_ROWS; r++) {
                    if (rowEnd[r] < rowEnd[row]) {
                        row = r;
                    }
                }
            }
            rowEnd[row] = Math.max(rowEnd[row], anchorEnd ? mx : mx + w);
            out.add(new Placed(m, row, anchorEnd));
        }
        return out;
    }

    /**
     * Virtual time to x. Guest programs spin for long stretches between a few busy instants, so a linear
     * axis would crowd every interesting event into a few pixels: each gap between consecutive event
     * times is drawn as wide as the square root of its length instead. Order is kept and a longer gap is
     * still wider; the axis ticks show the real times.
     */
    public record Scale(long[] times, double[] xs) {
        /**
         * The scale of one panel: every time at which something is drawn.
         * @param p the panel
         * @return its scale
         */
        public static Scale of(TimelineModel.Panel p) {
            java.util.TreeSet<Long> ts = new java.util.TreeSet<>();
            ts.add(0L);
            ts.add(Math.max(p.end(), 1));
            for (TimelineModel.Lane l : p.lanes()) {
                l.spans().forEach(s -> {
                    ts.add(s.from());
                    ts.add(s.to());
                });
                l.markers().forEach(m -> ts.add(m.time()));
            }
            p.arrows().forEach(a -> ts.add(a.time()));
            long[] times = ts.stream().mapToLong(Long::longValue).toArray();
            double[] w = new double[times.length];
            for (int i = 1; i < times.length; i++) {
                w[i] = w[i - 1] + Math.sqrt(times[i] - times[i - 1]);
            }
            double total = w[w.length - 1];
            double[] xs = new double[times.length];
            for (int i = 0; i < times.length; i++) {
                xs[i] = LEFT + w[i] * (WIDTH - LEFT - RIGHT) / total;
            }
            return new Scale(times, xs);
        }

        /**
         * The x of a virtual time, interpolated between the known times.
         * @param t the time in ns
         * @return the x coordinate
         */
        public double x(long t) {
            int i = java.util.Arrays.binarySearch(times, t);
            if (i >= 0) {
                return xs[i];
            }
            int hi = -i - 1;
            if (hi <= 0) {
                return xs[0];
            }
            if (hi >= times.length) {
                return xs[xs.length - 1];
            }
            int lo = hi - 1;
            return xs[lo] + (xs[hi] - xs[lo]) * (t - times[lo]) / (times[hi] - times[lo]);
        }
    }

    /**
     * 1, 2 or 5 times a power of ten, at least {@code raw} (and at least 1 ns).
     * @param raw the smallest step wanted
     * @return the step
     */
    public static long niceStep(double raw) {
        long p = 1;
        while (true) {
            for (long m : new long[] {1, 2, 5}) {
                if (m * p >= raw) {
                    return m * p;
                }
            }
            p *= 10;
        }
    }

    /**
     * A tick label: ns below 10 µs, µs below 10 ms, else ms.
     * @param t the time in ns
     * @param end the panel's end, which chooses the unit
     * @return the label
     */
    public static String time(long t, long end) {
        if (end < 10_000) {
            return t + " ns";
        }
        if (end < 10_000_000) {
            return BigDecimal.valueOf(t, 3).stripTrailingZeros().toPlainString() + " \u00b5s";
        }
        return BigDecimal.valueOf(t, 6).stripTrailingZeros().toPlainString() + " ms";
    }

    private void text(double x, double ty, String s, String attrs) {
        sb.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(ty)).append('"');
        if (attrs != null) {
            sb.append(' ').append(attrs);
        }
        sb.append('>').append(esc(s)).append("</text>");
    }

    /** Coordinates with at most one decimal, in the ROOT locale: the same model gives the same bytes everywhere. */
    static String f(double v) {
        long tenths = Math.round(v * 10);
        if (tenths % 10 == 0) {
            return Long.toString(tenths / 10);
        }
        // what "%.1f" prints for tenths / 10.0, by hand: String.format was most of the picture's time in the
        // Explorer page (TeaVM's format is slow), and the double nearest to N.D always prints as N.D
        long a = Math.abs(tenths);
        return (tenths < 0 ? "-" : "") + a / 10 + "." + a % 10;
    }

    /**
     * XML text and attribute escaping: trace text comes from guest programs and scenario files.
     * @param s the text
     * @return the text with &amp;, &lt;, &gt;, quotes escaped
     */
    public static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        b.append(' '); // XML 1.0 forbids other control characters, even escaped
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
