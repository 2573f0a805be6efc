package dev.hcsim.views;

import dev.hcsim.core.VcpuState;
import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.trace.SchedEvent;
import dev.hcsim.core.trace.Timeline;
import dev.hcsim.core.trace.TraceEvent;
import dev.hcsim.core.trace.TrapEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run as a picture's data, read back from its trace alone: per VM one lane per vCPU, the state it
 * was in over virtual time (running, runnable, halted, off, exited to the host, stopped), every trap
 * as a marker, and arrows for what one vCPU did to another (kicks, IPIs, starts, power-off, directed
 * yields). {@link TimelineSvg} draws it.
 *
 * <p>The scheduler's events say when a vCPU starts running, is preempted, halts, exits or stops; a
 * vCPU that yields leaves its physical CPU only when another vCPU was waiting, and the trace shows
 * that as the next {@code run} on the same physical CPU, so that is where a yielded vCPU becomes
 * runnable again (from the time of its yield).
 *
 * @param panels one panel per VM, in the order the VMs ran
 */
public record TimelineModel(List<Panel> panels) {

    /**
     * A stretch of virtual time {@code [from, to)} a vCPU spent in one state; {@code preempted} marks a runnable
     * wait after a preemption; {@code pcpu} is the physical CPU of a running span, else -1.
     */
    public record Span(long from, long to, VcpuState state, boolean preempted, int pcpu) {
    }

    /**
     * Something that happened on a lane at one instant, or (when {@code count > 1}) a dense stretch of such things
     * drawn as one marker.
     *
     * @param trap  true for a trap (drawn labelled), false for a scheduler note such as an immediate wake
     * @param label the short label (call name and status code for a trap; "N events" for a stretch)
     * @param title the full line of the text timeline (a tooltip); for a stretch, its first line and its extent
     * @param error true when the status is not SUCCESS or the trap faulted (for a stretch: any of them)
     * @param count how many events the marker stands for
     */
    public record Marker(long time, boolean trap, String label, String title, boolean error, int count) {
        /**
         * One event at {@code time} (not a stretch).
         * @param time the virtual time in ns
         * @param trap true for a trap
         * @param label the short label
         * @param title the full line
         * @param error whether it failed
         */
        public Marker(long time, boolean trap, String label, String title, boolean error) {
            this(time, trap, label, title, error, 1);
        }

        /**
         * This marker and the next one on the lane as one stretch.
         * @param next the following marker on the same lane
         * @return the merged marker
         */
        public Marker merge(Marker next) {
            int n = count + next.count;
            String first = count == 1 ? title : title.substring(title.indexOf('\n') + 1);
            return new Marker(time, trap || next.trap, n + " events", n + " events from " + time + " ns to " + next.time + " ns; the first:\n"
                    + first, error || next.error, n);
        }
    }

    /** Most markers (and spans) a lane keeps; past it, neighbours are merged pairwise so memory and drawing stay bounded. */
    public static final int LANE_CAP = 1024;
    /** Most arrows a panel keeps; later ones are counted in the heading. */
    public static final int ARROW_CAP = 2048;

    /**
     * What vCPU {@code from} did to vCPU {@code to} at {@code time}: {@code label} is kick, IPI, start, off or yield;
     * {@code via} is the hypercall that did it, or null.
     */
    public record Arrow(long time, int from, int to, String label, String title, String via) {
    }

    /** One vCPU's lane. */
    public record Lane(int vcpu, List<Span> spans, List<Marker> markers) {
    }

    /** One VM of one scenario: its lanes over {@code [0, end]} and the arrows between them. */
    public record Panel(String heading, long end, List<Lane> lanes, List<Arrow> arrows) {
    }

    /**
     * The panels of every VM of every result, from the events each result's trace kept, in order.
     * @param results the runs, in order
     * @return the model
     */
    public static TimelineModel of(List<ScenarioRunner.Result> results) {
        List<Panel> panels = new ArrayList<>();
        for (ScenarioRunner.Result r : results) {
            Recorder rec = new Recorder(r.scenario());
            r.trace().events().forEach(rec::accept);
            panels.addAll(rec.model().panels());
        }
        return new TimelineModel(panels);
    }

    /**
     * The panel of {@code vm}: its lanes start in the scenario's initial states and follow the VM's events.
     * @param s the scenario
     * @param vm the VM
     * @param events its trace events, in order
     * @return the panel
     */
    public static Panel panel(Scenario s, Scenario.VmSpec vm, List<TraceEvent> events) {
        PanelBuilder b = new PanelBuilder(s, vm);
        events.forEach(b::accept);
        return b.build();
    }

    /**
     * Builds the pictures of one scenario from its events as they stream by (a trace sink), in memory bounded by
     * {@link #LANE_CAP} and {@link #ARROW_CAP} whatever the run's length: the trace itself is not kept.
     */
    public static final class Recorder implements dev.hcsim.core.trace.TraceSink {
        private final Map<String, PanelBuilder> panels = new java.util.LinkedHashMap<>();

        /**
         * A recorder of every VM of {@code s}, lanes in their initial states.
         * @param s the scenario whose events will stream by
         */
        public Recorder(Scenario s) {
            for (Scenario.VmSpec vm : s.vms()) {
                panels.put(vm.name(), new PanelBuilder(s, vm));
            }
        }

        @Override
        public void accept(TraceEvent e) {
            PanelBuilder b = panels.get(e.vm());
            if (b != null) {
                b.accept(e);
            }
        }

        /**
         * The picture's data so far.
         * @return one panel per VM
         */
        public TimelineModel model() {
            return new TimelineModel(panels.values().stream().map(PanelBuilder::build).toList());
        }
    }

    /** One VM's panel under construction, event by event. */
    private static final class PanelBuilder {
        private final Scenario s;
        private final Scenario.VmSpec vm;
        private final LaneBuilder[] lanes;
        private final List<Arrow> arrows = new ArrayList<>();
        private final Map<Integer, Integer> onPcpu = new HashMap<>();
        private long end;
        private long arrowsOmitted;

        PanelBuilder(Scenario s, Scenario.VmSpec vm) {
            this.s = s;
            this.vm = vm;
            this.lanes = new LaneBuilder[vm.vcpus()];
            for (int i = 0; i < lanes.length; i++) {
                lanes[i] = new LaneBuilder(i, VcpuState.RUNNABLE);
            }
            for (Scenario.CpuSpec c : vm.cpus()) {
                lanes[c.vcpu()].state = VcpuState.valueOf(c.state().toUpperCase(Locale.ROOT));
            }
        }

        private void arrow(Arrow a) {
            if (arrows.size() < ARROW_CAP) {
                arrows.add(a);
            } else {
                arrowsOmitted++;
            }
        }

        void accept(TraceEvent e) {
            if (!e.vm().equals(vm.name())) {
                return;
            }
            long t = e.time();
            end = Math.max(end, t);
            if (e instanceof TrapEvent trap) {
                if (valid(lanes, trap.vcpu())) {
                    lanes[trap.vcpu()].markers.add(trapMarker(trap));
                    nameEffects(arrows, trap);
                }
                return;
            }
            SchedEvent ev = (SchedEvent) e;
            int v = ev.vcpu();
            Integer target = ev.target();
            if (ev.event().equals("end") || ev.event().equals("system")) {
                if (ev.event().equals("system")) {
                    for (LaneBuilder l : lanes) {
                        if (l.state != VcpuState.STOPPED) {
                            l.to(VcpuState.OFF, false, t);
                        }
                    }
                    if (valid(lanes, v)) {
                        lanes[v].markers.add(new Marker(t, false, "system " + ev.detail(), Timeline.line(ev), false));
                    }
                }
                return;
            }
            if (!valid(lanes, v) || (target != null && !valid(lanes, target))) {
                return; // a trace from another run of a VM with the same name: nothing to draw
            }
            LaneBuilder l = lanes[v];
            switch (ev.event()) {
                case "run" -> {
                    int p = ev.pcpu() == null ? -1 : ev.pcpu();
                    if (l.state == VcpuState.RUNNING && l.pcpu != p) {
                        // picked again on another physical CPU: it left the old one at its yield
                        l.to(VcpuState.RUNNABLE, false, l.yieldAt >= 0 ? l.yieldAt : t);
                    }
                    Integer before = onPcpu.put(p, v);
                    if (before != null && before != v && lanes[before].state == VcpuState.RUNNING && lanes[before].pcpu == p) {
                        LaneBuilder y = lanes[before];
                        y.to(VcpuState.RUNNABLE, false, y.yieldAt >= 0 ? y.yieldAt : t);
                    }
                    l.yieldAt = -1;
                    l.to(VcpuState.RUNNING, false, t);
                    l.pcpu = p;
                }
                case "preempt" -> l.to(VcpuState.RUNNABLE, true, t);
                case "halt" -> l.to(VcpuState.HALTED, false, t);
                case "exit" -> l.to(VcpuState.EXITED, false, t);
                case "reenter" -> l.to(VcpuState.RUNNING, false, t);
                case "stopped" -> {
                    l.to(VcpuState.STOPPED, false, t);
                    l.markers.add(new Marker(t, false, "stopped", Timeline.line(ev), true));
                }
                case "wake" -> l.markers.add(new Marker(t, false, "wake", Timeline.line(ev), false));
                case "yield" -> {
                    l.yieldAt = t;
                    if (target != null && target != v) {
                        arrow(new Arrow(t, v, target, "yield", Timeline.line(ev), null));
                    }
                }
                case "kick", "interrupt", "start" -> {
                    int to = target == null ? v : target;
                    if (ev.event().equals("start")) {
                        lanes[to].to(VcpuState.RUNNABLE, false, t);
                    } else if (lanes[to].state == VcpuState.HALTED) {
                        lanes[to].to(VcpuState.RUNNABLE, false, t); // the scheduler enqueues a halted target at once
                    }
                    String label = ev.event().equals("interrupt") ? "IPI" + vector(ev.detail()) : ev.event();
                    if (to == v) {
                        // raised outside a trap (a doorbell instruction, a timer): the sender is not known, so no arrow
                        lanes[to].markers.add(new Marker(t, false, label, Timeline.line(ev), false));
                    } else {
                        arrow(new Arrow(t, v, to, label, Timeline.line(ev), null));
                    }
                }
                case "off" -> {
                    int to = target == null ? v : target;
                    lanes[to].to(VcpuState.OFF, false, t);
                    if (to != v) {
                        arrow(new Arrow(t, v, to, "off", Timeline.line(ev), null));
                    }
                }
                default -> l.markers.add(new Marker(t, false, ev.event(), Timeline.line(ev), false));
            }
        }

        Panel build() {
            List<Lane> out = new ArrayList<>();
            for (LaneBuilder l : lanes) {
                l.to(null, false, end);
                out.add(new Lane(l.vcpu, List.copyOf(l.spans), List.copyOf(l.markers)));
            }
            String heading = s.name() + (s.vms().size() > 1 ? " / " + vm.name() : "") + "  (" + vm.arch() + ", " + vm.vcpus() + " vCPU"
                    + (vm.vcpus() == 1 ? "" : "s") + " on " + vm.pcpus() + " physical CPU" + (vm.pcpus() == 1 ? "" : "s") + ")"
                    + (arrowsOmitted > 0 ? "  [" + arrowsOmitted + " later arrows not drawn]" : "");
            return new Panel(heading, end, List.copyOf(out), List.copyOf(arrows));
        }
    }

    private static boolean valid(LaneBuilder[] lanes, int v) {
        return v >= 0 && v < lanes.length;
    }

    private static Marker trapMarker(TrapEvent t) {
        String name = t.call() != null ? t.call() : t.nr() != null ? "nr=" + t.nr() : t.insn();
        String status = t.statusCode() != null ? t.statusCode() : t.status();
        String label = status != null ? name + " \u2192 " + status : t.outcome().equals("RESUME") ? name : name + " " + t.outcome();
        boolean error = (t.status() != null && !t.status().equals("SUCCESS")) || t.outcome().equals("FAULT");
        return new Marker(t.time(), true, label, Timeline.line(t), error);
    }

    /**
     * The scheduler records a call's effects before the trap itself (same time, same caller): name
     * the call on those arrows' tooltips.
     */
    private static void nameEffects(List<Arrow> arrows, TrapEvent t) {
        if (t.call() == null) {
            return;
        }
        for (int i = arrows.size() - 1; i >= 0 && arrows.get(i).time() == t.time(); i--) {
            Arrow a = arrows.get(i);
            if (a.from() == t.vcpu() && a.via() == null) {
                arrows.set(i, new Arrow(a.time(), a.from(), a.to(), a.label(), a.title(), t.call()));
            }
        }
    }

    /**
     * The interrupt as the architecture names it (Architecture.interruptName), shortened for a label:
     * " 0xec" from "vector 0xec", " SGI 1" from "SGI 1", nothing when the name is "IPI" itself.
     */
    private static String vector(String detail) {
        if (detail == null || detail.equals("IPI")) {
            return "";
        }
        return " " + (detail.startsWith("vector ") ? detail.substring("vector ".length()) : detail);
    }

    /** A lane under construction: the current state since {@code since}, and what was already closed. */
    private static final class LaneBuilder {
        final int vcpu;
        final List<Span> spans = new ArrayList<>();
        final List<Marker> markers = new ArrayList<>() {
            @Override
            public boolean add(Marker m) {
                super.add(m);
                if (size() >= 2 * LANE_CAP) {
                    // a dense stretch: neighbours become one marker each, so a lane never holds more than 2 * LANE_CAP
                    List<Marker> merged = new ArrayList<>(size() / 2 + 1);
                    for (int i = 0; i < size(); i += 2) {
                        merged.add(i + 1 < size() ? get(i).merge(get(i + 1)) : get(i));
                    }
                    clear();
                    addAll(merged);
                }
                return true;
            }
        };
        VcpuState state;
        boolean preempted;
        long since;
        long yieldAt = -1;
        /** The physical CPU of the last run (a reentry after an exit continues on it). */
        int pcpu = -1;

        LaneBuilder(int vcpu, VcpuState initial) {
            this.vcpu = vcpu;
            this.state = initial;
        }

        /** Closes the current span at {@code t} and enters {@code next} (null: just close). */
        void to(VcpuState next, boolean nextPreempted, long t) {
            if (next == state && nextPreempted == preempted) {
                return;
            }
            if (t > since) {
                spans.add(new Span(since, t, state, preempted, state == VcpuState.RUNNING ? pcpu : -1));
                if (spans.size() >= 2 * LANE_CAP) {
                    // neighbours merge into one span of the state that lasted longer: the picture stays readable
                    List<Span> merged = new ArrayList<>(spans.size() / 2 + 1);
                    for (int i = 0; i < spans.size(); i += 2) {
                        if (i + 1 < spans.size()) {
                            Span a = spans.get(i);
                            Span b = spans.get(i + 1);
                            Span longer = a.to() - a.from() >= b.to() - b.from() ? a : b;
                            merged.add(new Span(a.from(), b.to(), longer.state(), longer.preempted(), longer.pcpu()));
                        } else {
                            merged.add(spans.get(i));
                        }
                    }
                    spans.clear();
                    spans.addAll(merged);
                }
            }
            state = next;
            preempted = nextPreempted;
            since = Math.max(since, t);
        }
    }
}
