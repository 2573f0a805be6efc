package dev.hcsim.core.translate;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.VmContext;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Translated against interpreted execution of one guest program (the differential property of issue 18): the
 * reference decodes every instruction afresh at every step and executes it, as the interpreter's definition says;
 * the other side runs the same program through a {@link BlockEngine} that compiles every block at its first run. Both
 * run at most a budget of instructions and stop at the first trap, wait or fault; then the instruction count, the
 * signal, the PC, every register, the fault reason and the program's memory (code and data) must agree.
 */
public final class Differential {
    /** Where programs are assembled. */
    public static final long ORIGIN = 0x1000;
    /** The data area loads and stores address: the base register points here. */
    public static final long DATA = 0x8000;
    /** How much of the data area is compared. */
    public static final int DATA_SIZE = 0x8000;

    /** One side's end state. */
    record End(long executed, int signal, RegisterFile regs, String fault, byte[] memory) {
        String describe(long origin) {
            return String.format(Locale.ROOT, "executed %d, signal %d, fault %s, %s", executed, signal, fault, regs);
        }
    }

    private Differential() {
    }

    /**
     * Runs {@code source} both ways and describes the first difference.
     * @param arch the architecture's name
     * @param source the program in its assembly, assembled at {@link #ORIGIN}
     * @param registers initial register values by name (the PC starts at {@link #ORIGIN})
     * @param budget the most instructions to run
     * @return null when both sides agree, else what differs
     */
    public static String compare(String arch, String source, Map<String, Long> registers, long budget) {
        Vm vm = Vm.create(VmConfig.builder(arch).build());
        byte[] code = vm.assemble(source, ORIGIN).bytes();
        End ref = run(vm, code, registers, budget, false);
        End tr = run(vm, code, registers, budget, true);
        return differ(ref, tr);
    }

    /** What differs between the two sides' end states, or null. */
    private static String differ(End ref, End tr) {
        if (ref.executed != tr.executed || ref.signal != tr.signal || !ref.regs.equals(tr.regs) || !java.util.Objects.equals(ref.fault, tr.fault)) {
            return "interpreted: " + ref.describe(ORIGIN) + "\ntranslated:  " + tr.describe(ORIGIN);
        }
        int at = Arrays.mismatch(ref.memory, tr.memory);
        if (at >= 0) {
            return String.format(Locale.ROOT, "memory differs at offset 0x%x of the compared area: interpreted 0x%02x, translated 0x%02x", at,
                    ref.memory[at], tr.memory[at]);
        }
        return null;
    }

    /**
     * The end state of {@code source} run by one side (for tests that check what the program computed).
     * @param arch the architecture's name
     * @param source the program
     * @param registers initial register values by name
     * @param budget the most instructions to run
     * @param translated true for the block engine, false for the reference interpreter
     * @return the registers at the end
     */
    public static RegisterFile registersAfter(String arch, String source, Map<String, Long> registers, long budget, boolean translated) {
        Vm vm = Vm.create(VmConfig.builder(arch).build());
        byte[] code = vm.assemble(source, ORIGIN).bytes();
        return run(vm, code, registers, budget, translated).regs;
    }

    /**
     * The differential property of one architecture: for 200 random programs of up to 40 instructions from
     * {@code forms}, {@link #compare} finds no difference within 2000 instructions.
     * @param arch the architecture's name
     * @param forms its instruction forms
     * @param base the base register of loads and stores, set to {@link #DATA}
     */
    public static void assertAgreeOnRandomPrograms(String arch, ProgramForms forms, String base) {
        org.quicktheories.QuickTheory.qt().withExamples(200).forAll(forms.programs(40)).checkAssert(source ->
                org.junit.jupiter.api.Assertions.assertNull(compare(arch, source, Map.of(base, DATA), 2000), source));
    }

    /**
     * Self-modifying code: {@code source}, run with {@code base} = {@link #ORIGIN} so that its stores address its own
     * code, agrees both ways and leaves {@code expected} in {@code register} when translated.
     * @param arch the architecture's name
     * @param source a program that rewrites an instruction after the store, in the same block
     * @param base the base register of its store
     * @param register the register the rewritten instruction sets
     * @param expected the value the rewritten (not the original) instruction leaves there
     */
    public static void assertSelfModifyingCodeRuns(String arch, String source, String base, String register, long expected) {
        Map<String, Long> regs = Map.of(base, ORIGIN);
        org.junit.jupiter.api.Assertions.assertNull(compare(arch, source, regs, 100));
        org.junit.jupiter.api.Assertions.assertEquals(expected, registersAfter(arch, source, regs, 100, true).get(register));
    }

    /**
     * Traps inside translated blocks (issue 18): {@code source} runs both ways with every trap handled where it runs, by
     * the VM's trap gate, and going on when the call returned to the guest (the reference through the embedded
     * {@code Vm.trap}, which fetches the instruction afresh; the engine through its {@link BlockEngine.TrapHandler} and
     * the block's own call site, as the machine's scheduler does), until a call that does not return to the guest, a
     * wait, a fault or the budget. Each side's VM is its own. Besides the end state, the trace of the calls must agree:
     * for each trap, how many instructions ran before it, its address, its outcome and call, and every register after it.
     * @param arch the architecture's name
     * @param source the program
     * @param registers initial register values by name
     * @param budget the most instructions to run
     * @param resumed incremented by the number of calls that returned to the guest on the translated side
     * @return null when both sides agree, else what differs
     */
    public static String compareWithCalls(String arch, String source, Map<String, Long> registers, long budget, long[] resumed) {
        Vm refVm = Vm.create(VmConfig.builder(arch).build());
        Vm trVm = Vm.create(VmConfig.builder(arch).build());
        byte[] code = refVm.assemble(source, ORIGIN).bytes();
        java.util.List<String> refTrace = new java.util.ArrayList<>();
        java.util.List<String> trTrace = new java.util.ArrayList<>();
        End ref = run(refVm, code, registers, budget, false, refTrace);
        End tr = run(trVm, code, registers, budget, true, trTrace);
        for (String t : trTrace) {
            if (t.contains(" RESUME ")) {
                resumed[0]++;
            }
        }
        int calls = Math.min(refTrace.size(), trTrace.size());
        for (int i = 0; i < calls; i++) {
            if (!refTrace.get(i).equals(trTrace.get(i))) {
                return "call " + i + ": interpreted " + refTrace.get(i) + "\ntranslated  " + trTrace.get(i);
            }
        }
        if (refTrace.size() != trTrace.size()) {
            return "interpreted made " + refTrace.size() + " calls, translated " + trTrace.size();
        }
        return differ(ref, tr);
    }

    /**
     * The property of traps inside translated blocks for one architecture: for 200 random programs of up to 40 forms,
     * with {@code calls} (cheap calls that return to the guest, their number set up before the trap) among the forms,
     * {@link #compareWithCalls} finds no difference within 2000 instructions; and the calls did return to the guest
     * inside blocks (else the property would say nothing).
     * @param arch the architecture's name
     * @param forms its instruction forms
     * @param base the base register of loads and stores, set to {@link #DATA}
     * @param calls the call forms: set-up and trap instruction, several lines each
     */
    public static void assertCallsInsideBlocksAgree(String arch, ProgramForms forms, String base, String... calls) {
        ProgramForms withCalls = forms;
        for (int i = 0; i < 4; i++) {
            withCalls = withCalls.with(calls); // about one form in five is a call
        }
        long[] resumed = {0};
        ProgramForms all = withCalls;
        org.quicktheories.QuickTheory.qt().withExamples(200).forAll(all.programs(40)).checkAssert(source ->
                org.junit.jupiter.api.Assertions.assertNull(compareWithCalls(arch, source, Map.of(base, DATA), 2000, resumed), source));
        org.junit.jupiter.api.Assertions.assertTrue(resumed[0] > 200, "only " + resumed[0] + " calls returned to the guest");
    }

    private static End run(Vm vm, byte[] code, Map<String, Long> registers, long budget, boolean translated) {
        return run(vm, code, registers, budget, translated, null);
    }

    /** One call of the trace of {@link #compareWithCalls}. */
    private static String call(long before, long pc, TrapResult r, RegisterFile regs) {
        return String.format(Locale.ROOT, "after %d at 0x%x: %s %s, %s", before, pc, r.outcome(), r.callName(), regs);
    }

    /**
     * One side's run; with {@code calls} not null, traps are handled (the VM's trap gate) and recorded there, and the
     * run goes on after those that return to the guest.
     */
    private static End run(Vm vm, byte[] code, Map<String, Long> registers, long budget, boolean translated, java.util.List<String> calls) {
        SparseMemory memory = new SparseMemory(vm.config().memory());
        if (!memory.write(ORIGIN, code, 0, code.length)) {
            throw new IllegalArgumentException("the program does not fit at 0x" + Long.toHexString(ORIGIN));
        }
        RegisterFile regs = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(0, regs);
        registers.forEach(regs::set);
        regs.pc(ORIGIN);
        Cpu cpu = new Cpu(Engine.context(vm), 0, regs, new MemoryAccess(memory, vm.byteOrder()));
        long executed = 0;
        int signal = Cpu.NEXT;
        if (translated) {
            BlockEngine engine = new BlockEngine(memory, Engine.context(vm).codec(), 0);
            long[] before = {0};
            if (calls != null) {
                VmContext context = Engine.context(vm);
                engine.trapHandler((pc, site) -> {
                    TrapResult r = context.trap(0, regs, memory, VcpuControl.NONE, site);
                    calls.add(call(before[0] + engine.progress(), pc, r, regs));
                    return r.outcome() == Outcome.RESUME;
                });
            }
            while (executed < budget) {
                before[0] = executed;
                long r = engine.run(cpu, budget - executed);
                executed += BlockEngine.executed(r);
                signal = BlockEngine.signal(r);
                if (signal != Cpu.NEXT && signal != Cpu.JUMP) {
                    break;
                }
            }
            if (engine.lastCompileFailure() != null) {
                throw engine.lastCompileFailure(); // a block left to the interpreter would compare the interpreter with itself
            }
        } else {
            while (executed < budget) {
                long pc = regs.pc();
                signal = step(Engine.context(vm).codec(), memory, cpu);
                if (signal == BlockEngine.FETCH_FAULT) {
                    break;
                }
                if (signal == Cpu.TRAP && calls != null) {
                    TrapResult r = vm.trap(0, regs, memory, VcpuControl.NONE);
                    calls.add(call(executed, pc, r, regs));
                    signal = r.outcome() == Outcome.RESUME ? Cpu.JUMP : BlockEngine.TRAP_DONE;
                }
                executed++;
                if (signal != Cpu.NEXT && signal != Cpu.JUMP) {
                    break;
                }
            }
        }
        if (signal == Cpu.NEXT || signal == Cpu.JUMP) {
            signal = Cpu.NEXT; // stopped by the budget: whether the last instruction jumped is told by the PC
        }
        byte[] image = new byte[code.length + DATA_SIZE];
        memory.read(ORIGIN, image, 0, code.length);
        memory.read(DATA, image, code.length, DATA_SIZE);
        return new End(executed, signal, regs, cpu.faultReason(), image);
    }

    /** One instruction as the interpreter defines it: fetch, decode, execute, advance the PC on NEXT. */
    private static int step(Codec codec, SparseMemory memory, Cpu cpu) {
        long pc = cpu.regs().pc();
        byte[] buf = new byte[16];
        int n = codec.maxLength();
        while (n >= codec.minLength() && !memory.read(pc, buf, 0, n)) {
            n--;
        }
        if (n < codec.minLength()) {
            return BlockEngine.FETCH_FAULT;
        }
        Instruction ins = codec.decode(buf, 0, n, pc);
        int signal;
        try {
            signal = ins.execute(cpu);
        } catch (RuntimeException e) {
            signal = cpu.fault(BlockEngine.faultReason(e, pc, ins));
        }
        if (signal == Cpu.NEXT) {
            cpu.regs().pc(pc + ins.length());
        }
        return signal;
    }
}
