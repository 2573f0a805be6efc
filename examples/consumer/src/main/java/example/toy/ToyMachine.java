package example.toy;

import dev.hcsim.core.Exit;
import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A toy x86-64 machine: a byte array of RAM, a few vCPUs, and a round-robin loop that decodes a
 * handful of instructions itself. At {@code vmcall}/{@code vmmcall} it hands the vCPU to hcsim
 * ({@link Vm#trap}) with its own registers ({@link ToyCpu#registers()}), its own memory
 * ({@link #memory()}) and itself as the {@link VcpuControl} for effects on other vCPUs, and does what
 * the answer says. This is the whole integration: everything KVM would do is hcsim's.
 */
public final class ToyMachine implements VcpuControl {
    private final Vm vm;
    private final byte[] ram;
    private final ToyCpu[] cpus;
    private final List<String> log = new ArrayList<>();
    private long steps;

    /** A machine with {@code vcpus} vCPUs and {@code ramBytes} of RAM, configured as {@code config} says (options, features). */
    public ToyMachine(VmConfig config, int ramBytes) {
        this.vm = Vm.create(config);
        this.ram = new byte[ramBytes];
        this.cpus = new ToyCpu[vm.vcpuCount()];
        for (int i = 0; i < cpus.length; i++) {
            cpus[i] = new ToyCpu(vm.architecture().registers());
            cpus[i].cpl = Integer.parseInt(vm.option("cpl"));
            cpus[i].lma = !"32".equals(vm.option("mode"));
            cpus[i].csL = cpus[i].lma;
        }
    }

    public Vm vm() {
        return vm;
    }

    public ToyCpu cpu(int i) {
        return cpus[i];
    }

    /** What happened, one line per hypercall or effect (for the reader of the example). */
    public List<String> log() {
        return log;
    }

    /** Copies {@code bytes} into RAM at {@code gpa}. */
    public void load(long gpa, byte[] bytes) {
        System.arraycopy(bytes, 0, ram, (int) gpa, bytes.length);
    }

    /** The toy's RAM as hcsim sees it: a miss answers false and never throws. */
    public GuestMemory memory() {
        return new GuestMemory() {
            @Override
            public boolean read(long gpa, byte[] dst, int off, int len) {
                if (gpa < 0 || gpa + len > ram.length || gpa + len < gpa) {
                    return false;
                }
                System.arraycopy(ram, (int) gpa, dst, off, len);
                return true;
            }

            @Override
            public boolean write(long gpa, byte[] src, int off, int len) {
                if (gpa < 0 || gpa + len > ram.length || gpa + len < gpa) {
                    return false;
                }
                System.arraycopy(src, off, ram, (int) gpa, len);
                return true;
            }
        };
    }

    /** Runs until every vCPU is halted or stopped, or {@code maxSteps} instructions ran. */
    public void run(long maxSteps) {
        GuestMemory memory = memory();
        for (long n = 0; n < maxSteps; n++) {
            boolean any = false;
            for (int i = 0; i < cpus.length; i++) {
                ToyCpu c = cpus[i];
                if (!c.halted && c.stopped == null) {
                    any = true;
                    step(i, c, memory);
                }
            }
            steps++;
            if (!any) {
                return;
            }
        }
    }

    /** One instruction of the toy's subset: mov $imm32 to a 64-bit register, nop, hlt, jmp rel8, vmcall, vmmcall. */
    private void step(int i, ToyCpu c, GuestMemory memory) {
        int pc = (int) c.rip;
        int b0 = ram[pc] & 0xFF;
        if ((b0 == 0x48 || b0 == 0x49) && (ram[pc + 1] & 0xFF) == 0xC7 && (ram[pc + 2] & 0xF8) == 0xC0) {
            int reg = (ram[pc + 2] & 7) + (b0 == 0x49 ? 8 : 0);
            c.gpr[reg] = (long) (ram[pc + 3] & 0xFF | (ram[pc + 4] & 0xFF) << 8 | (ram[pc + 5] & 0xFF) << 16 | ram[pc + 6] << 24);
            c.rip += 7;
        } else if (b0 == 0x90) {
            c.rip += 1;
        } else if (b0 == 0xF4) {
            c.rip += 1;
            c.halted = true;
        } else if (b0 == 0xEB) {
            c.rip += 2 + ram[pc + 1];
        } else if (b0 == 0x0F && (ram[pc + 1] & 0xFF) == 0x01 && ((ram[pc + 2] & 0xFF) == 0xC1 || (ram[pc + 2] & 0xFF) == 0xD9)) {
            hypercall(i, c, memory);
        } else {
            c.stopped = String.format("#UD at 0x%x (byte 0x%02x is not in the toy's subset)", pc, b0);
        }
    }

    /**
     * The integration point: hcsim decodes the trap at the vCPU's RIP, applies the contract, runs KVM's handler and
     * writes the results and the next RIP into the toy's own registers. The conformance test checks exactly this call.
     */
    public static TrapResult trap(Vm vm, int vcpu, ToyCpu c, GuestMemory memory, VcpuControl control) {
        return vm.trap(vcpu, c.registers(), memory, control);
    }

    private void hypercall(int i, ToyCpu c, GuestMemory memory) {
        TrapResult r = trap(vm, i, c, memory, this);
        log.add("vcpu" + i + " " + (r.callName() != null ? r.callName() : "nr 0x" + Long.toHexString(r.number())) + " -> "
                + (r.statusName() != null ? r.statusName() : r.outcome()));
        Outcome o = r.outcome();
        switch (o) {
            case RESUME, YIELD -> {
                // results and the next RIP are already in the toy's registers; a yield is only a hint to the toy's scheduler
            }
            case HALT -> c.halted = true;
            case EXIT_TO_HOST -> {
                if (r.exit() instanceof Exit.SystemEvent e) {
                    for (ToyCpu each : cpus) {
                        each.stopped = e.type().kernelName(); // shutdown, reset, crash: the toy's "VMM" stops the VM
                    }
                } else {
                    vm.completeExit(i, c.registers(), memory, 0); // the toy's "VMM" answers every other exit with 0
                }
            }
            case FAULT -> c.stopped = "fault " + r.fault(); // the toy has no exception delivery: it stops
            case NOT_A_HYPERCALL -> c.stopped = "not a hypercall";
            case INTERRUPTED -> {
                // delivered to the guest's own handler; the next RIP is already in the toy's registers
            }
            case STOP -> c.stopped = "powered off";
        }
    }

    // ---------------------------------------------------------------- VcpuControl: effects on other vCPUs

    @Override
    public VcpuState state(int vcpu) {
        ToyCpu c = cpus[vcpu];
        return c.stopped != null ? VcpuState.OFF : c.halted ? VcpuState.HALTED : VcpuState.RUNNABLE;
    }

    @Override
    public void kick(int vcpu) {
        log.add("kick vcpu" + vcpu);
        cpus[vcpu].halted = false;
    }

    @Override
    public void interrupt(int vcpu, int vector) {
        log.add("interrupt 0x" + Integer.toHexString(vector) + " to vcpu" + vcpu);
        cpus[vcpu].halted = false;
    }

    @Override
    public boolean start(int vcpu, long entry, int contextRegister, long context) {
        return false; // x86 has no CPU_ON hypercall
    }

    @Override
    public void stop(int vcpu) {
        cpus[vcpu].stopped = "stopped by a hypercall";
    }

    @Override
    public long nowNanos() {
        return steps;
    }
}
