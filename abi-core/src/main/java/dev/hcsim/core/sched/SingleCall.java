package dev.hcsim.core.sched;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.google.common.base.CharMatcher;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.VmContext;
import dev.hcsim.core.trace.SchedEvent;
import dev.hcsim.core.trace.Trace;
import dev.hcsim.core.trace.TraceEvent;
import dev.hcsim.core.trace.TrapEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * Runs exactly one hypercall on a fresh VM through the architecture's trap instruction: the other
 * vCPUs are halted, the caller's registers are set, the instruction is placed at the architecture's
 * default entry, and one trap is taken. What {@code hcsim call} and many tests use.
 */
@API(status = EXPERIMENTAL, since = "1.0")
public final class SingleCall {
    private static final CharMatcher HEX = CharMatcher.anyOf("0123456789abcdefABCDEF");
    private SingleCall() {
    }

    /** An effect on another vCPU (kick, interrupt, start, off). */
    public record Effect(String kind, Integer target, String detail) {
    }

    /** A guest memory write the call made. */
    public record MemoryWrite(long gpa, byte[] bytes) {
    }

    /**
     * What one call did.
     *
     * @param vm       the VM it ran on
     * @param bytes    the trap instruction's bytes
     * @param text     its disassembly
     * @param outcome  the outcome
     * @param status   the neutral status, or null
     * @param statusName the architecture's name of the status, or null
     * @param call     the call's kernel name, or null
     * @param before   registers before
     * @param after    registers after
     * @param effects  effects on other vCPUs
     * @param writes   guest memory writes
     * @param trap     the trace event of the trap
     * @param detail   the exit or the fault (with what caused it) in words, or null
     * @param fault    the trap's {@link TrapResult#fault()}, or null
     * @param exit     the trap's {@link TrapResult#exit()}, or null
     * @param machine  the machine (state of every vCPU afterwards)
     */
    public record Result(Vm vm, byte[] bytes, String text, Outcome outcome, Status status, String statusName, String call,
            RegisterFile before, RegisterFile after, List<Effect> effects, List<MemoryWrite> writes, TrapEvent trap, String detail,
            Fault fault, Exit exit, Machine machine) {
        /**
         * Registers (by ABI name) whose value changed, plus {@code pc} when it moved.
         * @return name to new value, in layout order
         */
        public Map<String, Long> changed() {
            Map<String, Long> out = new LinkedHashMap<>();
            for (int i = 0; i < before.layout().size(); i++) {
                if (before.get(i) != after.get(i)) {
                    out.put(before.layout().name(i), after.get(i));
                }
            }
            if (before.pc() != after.pc()) {
                out.put("pc", after.pc());
            }
            return out;
        }
    }

    /**
     * Runs one call.
     * @param config    the VM
     * @param vcpu      the calling vCPU's index
     * @param insn      the trap instruction as assembly text or hex bytes (null: the architecture's native one)
     * @param registers initial register values by ABI or raw name
     * @param memory    guest memory to preload (address to bytes)
     * @return what the call did: outcome, status, registers before and after, effects, memory writes
     * @throws IllegalArgumentException for a bad register name, instruction or memory address
     */
    public static Result run(VmConfig config, int vcpu, String insn, Map<String, Long> registers, Map<Long, byte[]> memory) {
        return run(config, vcpu, insn, registers, memory, Map.of());
    }

    /**
     * A 128-bit vector register half given as {@code xmm3.lo} / {@code xmm3.hi} (bits 63..0 / 127..64).
     * @return false when {@code name} is no such half
     */
    private static boolean setVectorHalf(RegisterFile regs, String name, long value) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return false;
        }
        String half = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        int n = regs.layout().vectorIndexOf(name.substring(0, dot));
        if (n < 0 || !(half.equals("lo") || half.equals("hi"))) {
            return false;
        }
        regs.setVector(n, half.equals("hi"), value);
        return true;
    }

    /**
     * Like {@link #run(VmConfig, int, String, Map, Map)}, with the initial state of other vCPUs
     * (halted unless {@code states} says otherwise: off, runnable).
     * @param config the VM
     * @param vcpu the calling vCPU's index
     * @param insn the trap instruction as assembly text or hex bytes (null: the architecture's native one)
     * @param registers initial register values by ABI or raw name; a 128-bit vector register by halves, {@code xmm0.lo}
     *     and {@code xmm0.hi}
     * @param memory guest memory to preload (address to bytes)
     * @param states the initial state of other vCPUs by index
     * @return what the call did: outcome, status, registers before and after, effects, memory writes
     * @throws IllegalArgumentException for a bad vCPU index, register name, instruction or memory address
     */
    public static Result run(VmConfig config, int vcpu, String insn, Map<String, Long> registers, Map<Long, byte[]> memory,
            Map<Integer, VcpuState> states) {
        Vm vm = Vm.create(config);
        if (vcpu < 0 || vcpu >= vm.vcpuCount()) {
            throw new IllegalArgumentException("vCPU " + vcpu + " does not exist; the VM has " + vm.vcpuCount());
        }
        Machine m = new Machine(vm, "call");
        VmContext context = Engine.context(vm);
        for (int i = 0; i < vm.vcpuCount(); i++) {
            if (i != vcpu) {
                m.initialState(i, VcpuState.HALTED);
            }
        }
        for (Map.Entry<Integer, VcpuState> e : states.entrySet()) {
            int i = e.getKey();
            if (i < 0 || i >= vm.vcpuCount() || i == vcpu) {
                throw new IllegalArgumentException("vCPU " + i + " cannot be set " + e.getValue().name().toLowerCase(Locale.ROOT)
                        + ": the VM has vCPUs 0.." + (vm.vcpuCount() - 1) + " and " + vcpu + " makes the call");
            }
            m.initialState(i, e.getValue());
        }
        byte[] bytes = instructionBytes(vm, insn);
        long at = vm.architecture().defaultEntry();
        m.load(at, bytes);
        for (Map.Entry<Long, byte[]> e : memory.entrySet()) {
            m.load(e.getKey(), e.getValue());
        }
        RegisterFile regs = m.registers(vcpu);
        regs.pc(at);
        for (Map.Entry<String, Long> e : registers.entrySet()) {
            int idx = regs.layout().indexOf(e.getKey());
            if (idx < 0 && setVectorHalf(regs, e.getKey(), e.getValue())) {
                continue;
            }
            if (idx < 0) {
                throw new IllegalArgumentException("unknown " + vm.architecture().name() + " register '" + e.getKey() + "'");
            }
            regs.set(idx, e.getValue());
        }
        RegisterFile before = new RegisterFile(regs.layout());
        before.copyFrom(regs);
        Trace trace = new Trace();
        m.traceTo(trace);
        List<MemoryWrite> writes = new ArrayList<>();
        context.frame(vcpu).memory().listener((gpa, src, off, len) -> writes.add(new MemoryWrite(gpa, java.util.Arrays.copyOfRange(src, off, off + len))));
        TrapResult r = vm.trap(vcpu, regs, m.memory(), m);
        context.frame(vcpu).memory().listener(null);
        List<Effect> effects = new ArrayList<>();
        TrapEvent trapEvent = null;
        for (TraceEvent e : trace.events()) {
            if (e instanceof SchedEvent s && s.target() != null) {
                effects.add(new Effect(s.event(), s.target(), s.detail()));
            } else if (e instanceof TrapEvent t) {
                trapEvent = t;
            }
        }
        Instruction decoded = context.codec().decode(bytes, 0, bytes.length, at);
        String detail = switch (r.outcome()) {
            case EXIT_TO_HOST -> r.exit().toString();
            case FAULT, NOT_A_HYPERCALL, INTERRUPTED -> context.frame(vcpu).faultDetail();
            case YIELD -> r.yieldTarget() >= 0 ? "yield to vcpu" + r.yieldTarget() : "yield";
            default -> null;
        };
        RegisterFile after = new RegisterFile(regs.layout());
        after.copyFrom(regs);
        return new Result(vm, bytes, decoded.text(), r.outcome(), r.status(), r.statusName(), r.callName(), before, after, effects, writes,
                trapEvent, detail, r.fault(), r.exit(), m);
    }

    /**
     * The bytes of {@code insn}: hex if it parses as hex of a plausible length, else assembly text.
     * @param vm the VM whose codec assembles the text
     * @param insn hex bytes or assembly text; null for the architecture's default trap instruction
     * @return the instruction's bytes in memory order
     * @throws IllegalArgumentException when the text does not assemble (the message starts with its line)
     */
    public static byte[] instructionBytes(Vm vm, String insn) {
        String text = insn == null ? Engine.context(vm).architecture().defaultTrapInstruction(vm.options()) : insn.trim();
        String compact = text.replace(" ", "");
        String digits = compact.startsWith("0x") ? compact.substring(2) : compact;
        if (!digits.isEmpty() && HEX.matchesAllOf(digits) && compact.replace("0x", "").length() % 2 == 0 && !looksLikeMnemonic(vm, text)) {
            return Bytes.parseHex(compact);
        }
        return vm.assemble(text, vm.architecture().defaultEntry()).bytes();
    }

    private static boolean looksLikeMnemonic(Vm vm, String text) {
        try {
            vm.assemble(text, vm.architecture().defaultEntry());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
