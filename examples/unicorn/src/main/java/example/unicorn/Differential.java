package example.unicorn;

import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.sched.Machine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The same guest under hcsim's standalone interpreter ({@link Machine}) and under Unicorn with hcsim answering the
 * traps ({@link UnicornVm}), and what differs between the two runs: each vCPU's final registers and state, its
 * sequence of hypercalls (number, arguments, results) and the guest memory.
 */
public final class Differential {
    private Differential() {
    }

    /**
     * One trap as the guest saw it.
     * @param pc the trapping instruction's address
     * @param number the number register
     * @param args the argument registers
     * @param results the result registers after the trap
     * @param outcome what the loop was told to do
     * @param status the status name, or null
     * @param fault the trap's typed fault ({@code TrapResult.fault()}: to inject, delivered, or the guest's own), or null
     */
    public record Call(long pc, long number, List<Long> args, List<Long> results, String outcome, String status, dev.hcsim.core.Fault fault) {
        @Override
        public String toString() {
            return String.format("@0x%x nr=0x%x args=%s -> %s %s results=%s", pc, number, hex(args), outcome, status, hex(results))
                    + (fault == null ? "" : " fault=" + fault + " pc=0x" + Long.toHexString(fault.pc()));
        }
    }

    private static String hex(List<Long> v) {
        return v.stream().map(x -> "0x" + Long.toHexString(x)).toList().toString();
    }

    /** Records every trap of a VM per vCPU ({@link Vm#addTrapListener}). */
    public static final class Recorder implements dev.hcsim.core.TrapListener {
        private final TrapContract contract;
        private final UcArch arch;
        private final List<List<Call>> calls = new ArrayList<>();
        private final long[][] before;

        /**
         * Starts recording {@code vm}'s traps.
         * @param vm the VM
         */
        public Recorder(Vm vm) {
            this.contract = vm.contract();
            this.arch = UcArch.of(vm);
            for (int i = 0; i < vm.vcpuCount(); i++) {
                calls.add(new ArrayList<>());
            }
            this.before = new long[vm.vcpuCount()][];
            vm.addTrapListener(this);
        }

        @Override
        public void before(int vcpu, RegisterAccess regs) {
            long[] b = new long[contract.argumentCount() + 2];
            // each value as the adapter's CPU holds it (the low word on a 32-bit CPU)
            b[0] = arch.widen(regs.pc());
            b[1] = arch.widen(regs.get(contract.numberRegister()));
            for (int i = 0; i < contract.argumentCount(); i++) {
                b[i + 2] = arch.widen(regs.get(contract.argumentRegister(i)));
            }
            before[vcpu] = b;
        }

        @Override
        public void after(int vcpu, TrapResult r, RegisterAccess regs) {
            long[] b = before[vcpu];
            List<Long> args = new ArrayList<>();
            for (int i = 2; i < b.length; i++) {
                args.add(b[i]);
            }
            List<Long> results = new ArrayList<>();
            if (r.status() != null) {
                for (int i = 0; i < contract.resultCount(); i++) {
                    results.add(arch.widen(regs.get(contract.resultRegister(i))));
                }
            }
            calls.get(vcpu).add(new Call(b[0], b[1], List.copyOf(args), List.copyOf(results), r.outcome().name(), r.statusName(),
                    r.fault()));
        }

        /**
         * The calls so far.
         * @return per vCPU, the calls in order
         */
        public List<List<Call>> calls() {
            return calls;
        }
    }

    /**
     * The end of one run.
     * @param name which side
     * @param registers per vCPU, the compared registers (masked) and then the PC
     * @param states per vCPU
     * @param calls per vCPU
     * @param memory the bytes of every memory region, in order
     * @param log what the run's loop logged (Unicorn's side; empty for hcsim's)
     */
    public record Side(String name, long[][] registers, VcpuState[] states, List<List<Call>> calls, List<byte[]> memory, List<String> log) {
    }

    /**
     * Captures a side's final state.
     * @param name the side's name
     * @param vm its VM (for the layout)
     * @param regs its vCPUs' registers
     * @param states its vCPUs' states
     * @param calls the recorder's calls
     * @param memory its guest memory
     * @return the side
     */
    public static Side capture(String name, Vm vm, List<? extends RegisterAccess> regs, VcpuState[] states, List<List<Call>> calls,
            GuestMemory memory) {
        UcArch arch = UcArch.of(vm);
        RegisterLayout layout = vm.architecture().registers();
        int[] compared = arch.compared(layout);
        long[][] values = new long[regs.size()][];
        for (int v = 0; v < regs.size(); v++) {
            long[] x = new long[compared.length + 1];
            for (int k = 0; k < compared.length; k++) {
                x[k] = regs.get(v).get(compared[k]) & arch.comparedBits(layout, compared[k]);
            }
            x[compared.length] = regs.get(v).pc();
            values[v] = x;
        }
        List<byte[]> mem = new ArrayList<>();
        for (MemoryRegion r : vm.config().memory()) {
            byte[] b = new byte[(int) r.size()];
            memory.read(r.base(), b, 0, b.length);
            mem.add(b);
        }
        VcpuState[] st = states.clone();
        for (int v = 0; v < st.length; v++) {
            st[v] = st[v] == VcpuState.RUNNING ? VcpuState.RUNNABLE : st[v]; // on a CPU or not is the scheduler's business
        }
        return new Side(name, values, st, calls, mem, List.of());
    }

    /**
     * Everything that differs between two sides, one line each (empty when they agree).
     * @param vm the VM both ran (for names)
     * @param a one side
     * @param b the other
     * @return the disagreements
     */
    public static List<String> compare(Vm vm, Side a, Side b) {
        List<String> out = new ArrayList<>();
        RegisterLayout layout = vm.architecture().registers();
        int[] compared = UcArch.of(vm).compared(layout);
        for (int v = 0; v < a.registers().length; v++) {
            for (int k = 0; k <= compared.length; k++) {
                long x = a.registers()[v][k];
                long y = b.registers()[v][k];
                if (x != y) {
                    String reg = k < compared.length ? layout.name(compared[k]) : "pc";
                    out.add(String.format("vcpu%d %s: %s 0x%x, %s 0x%x", v, reg, a.name(), x, b.name(), y));
                }
            }
            if (a.states()[v] != b.states()[v]) {
                out.add("vcpu" + v + " state: " + a.name() + " " + a.states()[v] + ", " + b.name() + " " + b.states()[v]);
            }
            List<Call> ca = polled(a.calls().get(v));
            List<Call> cb = polled(b.calls().get(v));
            if (!ca.equals(cb)) {
                out.add("vcpu" + v + " hypercalls differ:\n    " + a.name() + ": " + ca + "\n    " + b.name() + ": " + cb);
            }
        }
        List<MemoryRegion> regions = vm.config().memory();
        for (int i = 0; i < regions.size(); i++) {
            byte[] x = a.memory().get(i);
            byte[] y = b.memory().get(i);
            int at = Arrays.mismatch(x, y);
            if (at >= 0) {
                out.add(String.format("memory at 0x%x: %s %02x, %s %02x", regions.get(i).base() + at, a.name(), x[at] & 0xFF, b.name(),
                        y[at] & 0xFF));
            }
        }
        return out;
    }

    /**
     * The calls with every poll counted once, by its last answer: a run of the same call (same PC, number and
     * arguments) one after the other is a guest waiting for another vCPU, and how often it asks depends on the
     * scheduler (hcsim's seeded one, or this example's round robin), not on the ABI.
     * @param calls one vCPU's calls
     * @return the calls with each poll reduced to its last call
     */
    static List<Call> polled(List<Call> calls) {
        List<Call> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            Call next = i + 1 < calls.size() ? calls.get(i + 1) : null;
            if (next == null || next.pc() != c.pc() || next.number() != c.number() || !next.args().equals(c.args())) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * Runs a prepared (not yet run) machine on Unicorn: the same VM configuration, memory, registers and vCPU states,
     * then the machine itself; answers both sides.
     * @param machine a machine with its programs loaded and its vCPUs set up, not run yet
     * @param maxSteps the machine's step budget
     * @param quantum Unicorn's instructions per vCPU per round
     * @return hcsim's side, then Unicorn's
     */
    public static List<Side> run(Machine machine, long maxSteps, long quantum) {
        return run(machine, maxSteps, quantum, u -> u.run(maxSteps));
    }

    /**
     * Like {@link #run(Machine, long, long)} with the Unicorn side run as {@code runner} says.
     * @param machine a machine with its programs loaded and its vCPUs set up, not run yet
     * @param maxSteps the machine's step budget
     * @param quantum Unicorn's instructions per vCPU per round
     * @param runner runs the prepared Unicorn machine
     * @return hcsim's side, then Unicorn's
     */
    public static List<Side> run(Machine machine, long maxSteps, long quantum, java.util.function.Consumer<UnicornVm> runner) {
        return run(machine, machine.vm().config(), maxSteps, quantum, runner);
    }

    /**
     * Like {@link #run(Machine, long, long, java.util.function.Consumer)} with the Unicorn side's VM configured as
     * {@code unicornConfig} (the same memory and vCPUs; an option such as s390's {@code program-interruptions=report},
     * which leaves the delivery of a fault to this loop).
     * @param machine a machine with its programs loaded and its vCPUs set up, not run yet
     * @param unicornConfig the configuration of the Unicorn side's VM
     * @param maxSteps the machine's step budget
     * @param quantum Unicorn's instructions per vCPU per round
     * @param runner runs the prepared Unicorn machine
     * @return hcsim's side, then Unicorn's
     */
    public static List<Side> run(Machine machine, dev.hcsim.core.VmConfig unicornConfig, long maxSteps, long quantum,
            java.util.function.Consumer<UnicornVm> runner) {
        Vm hv = machine.vm();
        Vm uv = Vm.create(unicornConfig);
        int n = hv.vcpuCount();
        Recorder ur = new Recorder(uv);
        Side unicorn;
        try (UnicornVm u = new UnicornVm(uv, quantum)) {
            RegisterLayout layout = hv.architecture().registers();
            for (MemoryRegion r : hv.config().memory()) {
                byte[] b = new byte[(int) r.size()];
                machine.memory().read(r.base(), b, 0, b.length);
                u.memory().write(r.base(), b, 0, b.length);
            }
            for (int v = 0; v < n; v++) {
                for (int i = 0; i < layout.size(); i++) {
                    if (i != layout.zeroRegister()) {
                        u.registers(v).set(i, machine.registers(v).get(i));
                    }
                }
                u.registers(v).pc(machine.registers(v).pc());
                u.initialState(v, machine.stateOf(v));
            }
            runner.accept(u);
            VcpuState[] states = new VcpuState[n];
            List<UcRegisters> regs = new ArrayList<>();
            for (int v = 0; v < n; v++) {
                states[v] = u.state(v);
                regs.add(u.registers(v));
            }
            Side s = capture("unicorn", uv, regs, states, ur.calls(), u.memory());
            unicorn = new Side(s.name(), s.registers(), s.states(), s.calls(), s.memory(), List.copyOf(u.log()));
        }
        Recorder hr = new Recorder(hv);
        machine.run(maxSteps, Long.MAX_VALUE);
        VcpuState[] states = new VcpuState[n];
        List<RegisterAccess> regs = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            states[v] = machine.stateOf(v);
            regs.add(machine.registers(v));
        }
        return List.of(capture("hcsim", hv, regs, states, hr.calls(), machine.memory()), unicorn);
    }
}
