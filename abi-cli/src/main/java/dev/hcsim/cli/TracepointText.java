package dev.hcsim.cli;

import dev.hcsim.core.trace.SchedEvent;
import dev.hcsim.core.trace.TraceEvent;
import dev.hcsim.core.trace.TrapEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The trace as text in the shape of the kernel's KVM tracepoints as {@code trace-cmd report} / {@code perf script}
 * print them on a real host ({@code run --format tracepoint}): one line per event,
 * {@code COMM-TID [CPU] SECONDS: EVENT: FIELDS}, so that people can lay a simulated run beside a real one.
 * <ul>
 * <li>a trap is {@code kvm_hypercall: nr 0x%lx a0 0x%lx a1 0x%lx a2 0x%lx a3 0x%lx}, the format of
 * {@code TRACE_EVENT(kvm_hypercall)} in arch/x86/kvm/trace.h, used here for every architecture (a0..a3 are the first
 * four argument registers of the architecture's contract);</li>
 * <li>a trap that exits to the VMM is followed by {@code kvm_userspace_exit: reason ...} (include/trace/events/kvm.h);</li>
 * <li>a vCPU waking from halt is {@code kvm_vcpu_wakeup: wakeup time 0 ns, polling invalid} (include/trace/events/kvm.h;
 * virtual time has no halt-polling).</li>
 * </ul>
 * COMM is {@code CPU N/KVM} as QEMU names its vCPU threads; TID is 1000 + the vCPU index; CPU is the physical CPU the
 * vCPU ran on last; SECONDS is virtual time with nanosecond digits ({@code trace-cmd report -t}).
 */
final class TracepointText {
    private TracepointText() {
    }

    static List<String> lines(List<TraceEvent> events) {
        List<String> out = new ArrayList<>();
        java.util.Map<String, Integer> pcpu = new java.util.HashMap<>();
        for (TraceEvent e : events) {
            String key = e.vm() + "/" + e.vcpu();
            if (e instanceof SchedEvent s && s.pcpu() != null) {
                pcpu.put(key, s.pcpu());
            }
            int cpu = pcpu.getOrDefault(key, 0);
            if (e instanceof TrapEvent t) {
                List<String> values = new ArrayList<>(t.read() == null ? List.of() : t.read().values());
                if (!values.isEmpty()) {
                    values.remove(0); // the number register comes first; nr is printed from the call's number
                }
                StringBuilder f = new StringBuilder("nr ").append(t.nr() == null ? "0x0" : t.nr());
                for (int i = 0; i < 4; i++) {
                    f.append(" a").append(i).append(' ').append(i < values.size() ? trim(values.get(i)) : "0x0");
                }
                out.add(line(e, cpu, "kvm_hypercall", f.toString()));
                if ("EXIT_TO_HOST".equals(t.outcome())) {
                    out.add(line(e, cpu, "kvm_userspace_exit", userspaceExit(t.detail())));
                }
            } else if (e instanceof SchedEvent s && s.event().equals("wake")) {
                out.add(line(e, cpu, "kvm_vcpu_wakeup", "wakeup time 0 ns, polling invalid"));
            }
        }
        return out;
    }

    private static String line(TraceEvent e, int cpu, String event, String fields) {
        String comm = "CPU " + Math.max(e.vcpu(), 0) + "/KVM";
        return String.format(Locale.ROOT, "%16s-%-5d [%03d] %d.%09d: %s: %s", comm, 1000 + Math.max(e.vcpu(), 0), cpu, e.time() / 1_000_000_000L,
                e.time() % 1_000_000_000L, event, fields);
    }

    /** 0x0000000000000005 as the kernel's %lx prints it: 0x5. */
    private static String trim(String hex) {
        String digits = hex.startsWith("0x") ? hex.substring(2).replaceFirst("^0+(?=.)", "") : hex;
        return "0x" + digits;
    }

    /**
     * kvm_userspace_exit's text, {@code reason %s (%d)} (include/trace/events/kvm.h: the KVM_EXIT_* name by
     * kvm_trace_exit_reason, then its number); the trace's exit detail starts with the exit's kernel name.
     */
    static String userspaceExit(String detail) {
        String name = detail == null || detail.isBlank() ? "KVM_EXIT_HYPERCALL" : detail.strip().split("\\s+", 2)[0];
        for (dev.hcsim.core.ExitReason r : dev.hcsim.core.ExitReason.values()) {
            if (r.kernelName().equals(name)) {
                return "reason " + name + " (" + r.number() + ")";
            }
        }
        return "reason " + name;
    }
}
