package dev.hcsim.conformance.cases;

import dev.hcsim.conformance.Invocation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Calls of x86's Xen HVM ABI as KVM answers them (arch/x86/kvm/xen.c {@code kvm_xen_hypercall}), for
 * {@code ConformanceKit.differentialOtherAbis}: Xen interception on, the VM state the in-kernel calls read (Xen version,
 * timer port, a registered event channel, shared_info, EVTCHN_SEND), RAX one of the five calls KVM handles (each with
 * its sub-operations and guest-memory structures), an unknown one or a number with garbage above bit 31, the arguments
 * in RDI, RSI, RDX, R10, R8, R9 in 64-bit mode and EBX, ECX, EDX, ESI, EDI, EBP otherwise, and now and then Hyper-V on
 * with EAX bit 31 set (the hand-off to {@code kvm_hv_hypercall}). The caller's mode and CPL come from the generic
 * options ({@code --mode 32|real}, {@code --cpl 1..3}: a call at CPL &gt; 0 always exits). Every draw shrinks toward
 * the first choice: a 64-bit {@code set_timer_op} with Xen's state at its defaults.
 */
final class X86XenCases {
    private X86XenCases() {
    }

    /** include/xen/interface/xen.h: __HYPERVISOR_set_timer_op, xen_version, vcpu_op, sched_op, event_channel_op. */
    static final List<Long> CALLS = List.of(15L, 17L, 24L, 29L, 32L);
    /** The 64-bit argument registers (xen.c kvm_xen_hypercall, longmode). */
    static final List<String> ARGS64 = List.of("rdi", "rsi", "rdx", "r10", "r8", "r9");
    /** The 32-bit ones. */
    static final List<String> ARGS32 = List.of("rbx", "rcx", "rdx", "rsi", "rdi", "rbp");
    /** Where the structures the calls read live: struct evtchn_send, struct sched_poll, its ports, vcpu_set_singleshot_timer. */
    static final long SEND = 0x5000;
    static final long POLL = 0x5100;
    static final long PORTS = 0x5200;
    static final long TIMER = 0x5300;
    /** The shared_info page, when there is one: inside the default 64 KiB, or just past it (not in guest memory). */
    static final long SHARED_INFO = 0xE000;
    /** The port the VM registers for EVTCHNOP_send (--xen-evtchn-port) and the port it raises when it is not an IPI. */
    static final long SEND_PORT = 3;
    static final long DELIVER_PORT = 5;
    /** The ports the calls name: the registered ones first, then others below 1024, and past the compat and 64-bit limits. */
    static final List<Long> PORT_CHOICES = List.of(SEND_PORT, DELIVER_PORT, 1L, 17L, 100L, 1023L, 1024L, 4095L, 4096L);

    static Gen<Invocation> calls(Gen<Invocation> base) {
        Gen<Long> value = dev.hcsim.conformance.AbiGenerators.values();
        Gen<Long> port = Generate.pick(PORT_CHOICES);
        Gen<Long> small = SourceDSL.longs().between(0, 15);
        Gen<Long> u32 = SourceDSL.longs().between(0, 0xFFFF_FFFFL);
        Gen<Boolean> often = weighted(3, 1);
        Gen<Boolean> sometimes = weighted(1, 1);
        Gen<Boolean> rarely = weighted(1, 3);
        Gen<Long> hvCode = Generate.pick(List.of(0x2L, 0x3L, 0x8L, 0xbL, 0x13L, 0x14L, 0x15L, 0x5cL, 0x5dL, 0x69L, 0x8001L, 0x0L, 0x1L));
        return in -> {
            Invocation inv = base.generate(in);
            Map<String, String> opts = new TreeMap<>(inv.options());
            if (!opts.containsKey("mode") && rarely.generate(in)) {
                opts.put("mode", "32"); // more 32-bit callers than the generic options draw: Xen's other convention
            }
            String mode = opts.getOrDefault("mode", "64");
            boolean longmode = mode.equals("64");
            // The VM state the in-kernel calls read (xen.c): each set in most cases, so that the calls are answered in the kernel.
            put(opts, "xen-version", pick(in, often, Generate.pick(List.of(0x4000dL, 0x40011L)).generate(in), 0L));
            put(opts, "xen-timer-port", pick(in, often, 17L, 0L));
            put(opts, "xen-evtchn-send", sometimes.generate(in) ? "on" : "off");
            if (often.generate(in)) {
                put(opts, "xen-evtchn-port", SEND_PORT);
                put(opts, "xen-evtchn-deliver", pick(in, sometimes, 0L, DELIVER_PORT));
                put(opts, "xen-evtchn-vcpu", SourceDSL.longs().between(0, inv.vcpus()).generate(in)); // vcpus: no such APIC ID
            }
            long shinfo = Generate.frequency(List.of(Pair.of(4, Generate.constant(SHARED_INFO)), Pair.of(1, Generate.constant(-1L)),
                    Pair.of(1, Generate.constant(0x10000L)))).generate(in);
            put(opts, "xen-shared-info", shinfo);
            put(opts, "xen-upcall-vector", pick(in, rarely, 0xf3L, 0L));
            Map<String, Boolean> feats = new TreeMap<>(inv.features());
            feats.put("xen", true);
            boolean hyperv = rarely.generate(in);
            if (hyperv) {
                feats.put("hyperv", true);
            }

            long nr = Generate.frequency(List.of(
                    Pair.of(10, Generate.pick(CALLS)),
                    Pair.of(1, SourceDSL.longs().between(0, 63)),
                    // only the low half counts outside 64-bit mode (kvm_register_read); in 64-bit mode it is another number
                    Pair.of(1, Generate.pick(CALLS).zip(u32, (c, g) -> c | (g << 32))),
                    // EAX bit 31: Hyper-V's when Hyper-V is on, else an unknown Xen number
                    Pair.of(hyperv ? 4 : 1, hvCode.map(c -> c | 0x8000_0000L)))).generate(in);
            Map<String, Long> regs = new LinkedHashMap<>(inv.registers());
            List<String> args = longmode ? ARGS64 : ARGS32;
            long[] a = new long[6];
            for (int i = 0; i < 6; i++) {
                a[i] = value.generate(in);
            }
            Map<Long, byte[]> mem = new TreeMap<>();
            if (often.generate(in)) {
                arguments(in, nr & 0xFFFF_FFFFL, a, longmode, inv.vcpu(), small, u32, often, sometimes);
            }
            regs.put("rax", nr);
            for (int i = 0; i < 6; i++) {
                regs.put(args.get(i), a[i]);
            }
            if ((nr & 0x8000_0000L) != 0) {
                hypervControl(in, regs, hvCode, longmode);
            }
            structures(in, mem, longmode, port, u32, often);
            if (shinfo == SHARED_INFO) {
                // Ports already pending or masked in shared_info: a poll that returns at once, a send that finds its port raised.
                if (rarely.generate(in)) {
                    mem.put(SHARED_INFO + 0x800, bytes(in, 16));
                }
                if (rarely.generate(in)) {
                    mem.put(SHARED_INFO + (longmode ? 0xa00 : 0x880), bytes(in, 16));
                }
            }
            return new Invocation(inv.architecture(), opts, feats, inv.vcpus(), inv.vcpu(), inv.off(), inv.seed(), inv.trap(), regs, mem,
                    inv.extraMemory());
        };
    }

    /** The arguments of call {@code nr} as the guest passes them: its sub-operation, vCPU id, pointers to its structures. */
    private static void arguments(org.quicktheories.core.RandomnessSource in, long nr, long[] a, boolean longmode, int vcpu, Gen<Long> small,
            Gen<Long> u32, Gen<Boolean> often, Gen<Boolean> sometimes) {
        if (nr == 15) {
            // set_timer_op: the absolute timeout; 0 stops the timer, negative and > 2^50 ns ahead become now + 100 ms
            long t = Generate.pick(List.of(1_000_000L, 0L, -1L, 1L << 51, 1L << 40)).generate(in);
            a[0] = longmode ? t : t & 0xFFFF_FFFFL;
            a[1] = longmode ? a[1] : t >>> 32; // "In 32-bit mode, the 64-bit timeout is in two 32-bit params."
        } else if (nr == 17) {
            a[0] = Generate.frequency(List.of(Pair.of(3, Generate.constant(0L)), Pair.of(1, small))).generate(in); // XENVER_version = 0
        } else if (nr == 24) {
            a[0] = Generate.frequency(List.of(Pair.of(3, Generate.pick(List.of(8L, 9L))), Pair.of(1, small))).generate(in);
            a[1] = often.generate(in) ? vcpu : small.generate(in); // the Xen vCPU id: the vCPU index by default
            a[2] = often.generate(in) ? TIMER : a[2];
        } else if (nr == 29) {
            a[0] = Generate.frequency(List.of(Pair.of(3, Generate.pick(List.of(3L, 0L))), Pair.of(1, small))).generate(in);
            a[1] = often.generate(in) ? POLL : a[1];
        } else if (nr == 32) {
            a[0] = Generate.frequency(List.of(Pair.of(3, Generate.constant(4L)), Pair.of(1, small))).generate(in); // EVTCHNOP_send
            a[1] = often.generate(in) ? SEND : a[1];
        }
        if (!longmode) {
            for (int i = 0; i < 6; i++) {
                a[i] = a[i] & 0xFFFF_FFFFL | (u32.generate(in) << 32 & (sometimes.generate(in) ? -1L : 0)); // upper halves are ignored
            }
        }
    }

    /** Hyper-V's control word for a call Xen hands on (EAX bit 31): RCX in 64-bit mode, EDX:EAX otherwise. */
    private static void hypervControl(org.quicktheories.core.RandomnessSource in, Map<String, Long> regs, Gen<Long> hvCode, boolean longmode) {
        long control = X86HypervCases.control(in, hvCode.generate(in));
        if (longmode) {
            regs.put("rcx", control);
        } else {
            // The control word's low half is EAX, whose bit 31 is the hand-off bit: HV_HYPERCALL_RSVD0_MASK's bit 31.
            regs.put("rax", (control & 0xFFFF_FFFFL) | 0x8000_0000L);
            regs.put("rdx", control >>> 32);
        }
    }

    /** struct evtchn_send, struct sched_poll (64-bit or compat layout) and its ports, struct vcpu_set_singleshot_timer. */
    private static void structures(org.quicktheories.core.RandomnessSource in, Map<Long, byte[]> mem, boolean longmode, Gen<Long> port,
            Gen<Long> u32, Gen<Boolean> often) {
        // mostly the registered port, so that a send is answered in the kernel
        long sendPort = Generate.frequency(List.of(Pair.of(3, Generate.constant(SEND_PORT)), Pair.of(1, port))).generate(in);
        mem.put(SEND, le(4).putInt((int) sendPort).array());
        long nrPorts = Generate.frequency(List.of(Pair.of(4, SourceDSL.longs().between(1, 3)), Pair.of(1, Generate.pick(List.of(0L, 128L, 129L))),
                Pair.of(1, u32))).generate(in);
        long ports = often.generate(in) ? PORTS : Generate.pick(List.of(0x10000L, 0x1_0000_0000L)).generate(in);
        long timeout = Generate.pick(List.of(0L, 1_000_000L, -1L)).generate(in);
        ByteBuffer poll = le(24);
        if (longmode) {
            poll.putLong(0, ports).putInt(8, (int) nrPorts).putLong(16, timeout);
        } else {
            poll.putInt(0, (int) ports).putInt(4, (int) nrPorts).putLong(8, timeout);
        }
        mem.put(POLL, poll.array());
        // mostly ports a poll may wait on (below both limits), so that a poll often blocks; now and then one past a limit
        Gen<Long> polled = Generate.frequency(List.of(Pair.of(3, Generate.pick(PORT_CHOICES.subList(0, 5))), Pair.of(1, port)));
        ByteBuffer p = le(16);
        for (int i = 0; i < 4; i++) {
            p.putInt(4 * i, (int) (long) polled.generate(in));
        }
        mem.put(PORTS, p.array());
        mem.put(TIMER, le(16).putLong(0, Generate.pick(List.of(1_000_000L, 0L, -1L)).generate(in)).putInt(8, (int) (long) u32.generate(in)).array());
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] bytes(org.quicktheories.core.RandomnessSource in, int n) {
        return dev.hcsim.conformance.AbiGenerators.words(n).generate(in);
    }

    private static Gen<Boolean> weighted(int yes, int no) {
        return Generate.frequency(List.of(Pair.of(yes, Generate.constant(true)), Pair.of(no, Generate.constant(false))));
    }

    private static long pick(org.quicktheories.core.RandomnessSource in, Gen<Boolean> which, long yes, long no) {
        return which.generate(in) ? yes : no;
    }

    /** Puts an option, leaving out the defaults so that a shrunk case's command line names only what matters. */
    private static void put(Map<String, String> opts, String name, Object value) {
        String v = value instanceof Long l ? (l < 0 ? Long.toString(l) : "0x" + Long.toHexString(l)) : value.toString();
        boolean dflt = switch (name) {
            case "xen-shared-info" -> v.equals("-1");
            case "xen-evtchn-send" -> v.equals("off");
            default -> v.equals("0x0");
        };
        if (dflt) {
            opts.remove(name);
        } else {
            opts.put(name, v);
        }
    }
}
