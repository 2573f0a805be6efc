package dev.hcsim.core;

import dev.hcsim.core.asm.AsmContext;
import dev.hcsim.core.asm.Statement;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.FeatureSpec;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.OptionSpec;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A test architecture whose trap contract, status codec, calls and trap gate the test chooses, to check what the core's
 * trap frame ({@link Trap}) does with each contract rule. Registers r0..r7 and a zero register; the toy's 2-byte
 * instructions ({@code 01 00} is the trap), fetched up to 8 bytes at a time. The default gate dispatches a trap
 * instruction (32-bit mode when r7 is not 0, as x86's {@code is_64_bit_hypercall} decides it per call) and raises
 * #UD for anything else.
 */
class ProbeArchitecture implements Architecture {
    static final RegisterLayout LAYOUT = RegisterLayout.builder().general("r0").general("r1").general("r2").general("r3").general("r4")
            .general("r5").general("r6").general("r7").general("zero").zero().build();

    /** A plain contract: the number in r0, arguments r1 and r2, the result in r0. */
    static final TrapContract PLAIN = TrapContract.builder(LAYOUT).number("r0", 64).arguments("r1", "r2").results("r0").build();

    /** The default gate: see the class comment. */
    static final Consumer<Trap> DISPATCH = t -> {
        if (t.insnByte(0) != 1 || t.insnByte(1) != 0) {
            t.fault(Fault.X86.ud(t.pc()), "not a trap instruction");
            return;
        }
        t.instructionLength(2);
        t.narrow(t.registers().get(7) != 0);
        t.dispatch();
    };

    private final TrapContract contract;
    private final StatusCodec status;
    private final List<HypercallSpec> calls;
    private final Consumer<Trap> gate;
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    private Hooks hooks = new Hooks() {
    };

    /** The scheduler's hooks into the architecture, to be recorded or acted on by a test (each does nothing by default). */
    interface Hooks {
        default void scheduleIn(int vcpu, long nowNanos, long stealNanos) {
        }

        default void scheduleOut(int vcpu, long nowNanos, boolean preempted) {
        }

        default void timerExpired(int vcpu, long nowNanos, VcpuControl control) {
        }

        default void resetVcpu(int vcpu, RegisterAccess regs) {
        }
    }

    /** Sets the byte order of VMs created from now on (little-endian by default), as s390's or a big-endian ppc's. */
    ProbeArchitecture order(ByteOrder o) {
        order = o;
        return this;
    }

    /** Sets the hooks of VMs attached from now on. */
    ProbeArchitecture hooks(Hooks h) {
        hooks = h;
        return this;
    }

    ProbeArchitecture(TrapContract contract, StatusCodec status, List<HypercallSpec> calls, Consumer<Trap> gate) {
        this.contract = contract;
        this.status = status;
        this.calls = calls;
        this.gate = gate;
    }

    /** A VM of this architecture with {@code vcpus} vCPUs and the feature "gated" as given. */
    Vm vm(int vcpus, boolean gated) {
        return vm(VmConfig.builder("probe").vcpus(vcpus).feature("gated", gated).build());
    }

    /** A VM of this architecture with {@code config}. */
    Vm vm(VmConfig config) {
        return dev.hcsim.core.engine.Engine.create(this, config);
    }

    @Override
    public String name() {
        return "probe";
    }

    @Override
    public List<String> aliases() {
        return List.of();
    }

    @Override
    public String title() {
        return "a test architecture with a chosen contract";
    }

    @Override
    public RegisterLayout registers() {
        return LAYOUT;
    }

    @Override
    public TrapContract contract() {
        return contract;
    }

    @Override
    public StatusCodec status() {
        return status;
    }

    @Override
    public List<HypercallSpec> hypercalls() {
        return calls;
    }

    @Override
    public List<FeatureSpec> features() {
        return List.of(new FeatureSpec("gated", false, "gates the calls that name it"));
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public ByteOrder byteOrder(Map<String, String> options) {
        return order;
    }

    @Override
    public Codec codec(ByteOrder order) {
        return CODEC;
    }

    @Override
    public ArchitectureVm attach(VmContext vm) {
        Hooks h = hooks;
        return new ArchitectureVm() {
            @Override
            public void trap(Trap t) {
                gate.accept(t);
            }

            @Override
            public boolean offers(HypercallSpec call) {
                return call.feature() == null || vm.feature(call.feature());
            }

            @Override
            public void scheduleIn(int vcpu, long nowNanos, long stealNanos, MemoryAccess memory) {
                h.scheduleIn(vcpu, nowNanos, stealNanos);
            }

            @Override
            public void scheduleOut(int vcpu, long nowNanos, boolean preempted, MemoryAccess memory) {
                h.scheduleOut(vcpu, nowNanos, preempted);
            }

            @Override
            public void timerExpired(int vcpu, long nowNanos, MemoryAccess memory, VcpuControl control) {
                h.timerExpired(vcpu, nowNanos, control);
            }

            @Override
            public void resetVcpu(int vcpu, RegisterAccess regs) {
                h.resetVcpu(vcpu, regs);
            }
        };
    }

    @Override
    public String discovery() {
        return "none";
    }

    @Override
    public String defaultTrapInstruction(Map<String, String> options) {
        return "trap";
    }

    /**
     * {@code rdtime rN} (05 N): the virtual time in nanoseconds into rN, read through the vCPU's control while the
     * instruction runs, as RISC-V's time CSR (RiscvInterpreter.time) and x86's RDTSC read it.
     */
    record ReadTime(String text, int reg) implements Instruction {
        @Override
        public int length() {
            return 2;
        }

        @Override
        public int execute(Cpu cpu) {
            cpu.regs().set(reg, cpu.control().nowNanos());
            return Cpu.NEXT;
        }
    }

    /**
     * {@code sgi rN} (06 N): interrupt vector 1 to the vCPU whose index is in rN, sent by the instruction itself without a
     * trap, as arm64's ICC_SGI1R_EL1 write (vgic_v3_dispatch_sgi, Arm64Interpreter.SendSgi).
     */
    record SendSgi(String text, int reg) implements Instruction {
        @Override
        public int length() {
            return 2;
        }

        @Override
        public int execute(Cpu cpu) {
            cpu.control().interrupt((int) cpu.regs().get(reg), 1);
            return Cpu.NEXT;
        }
    }

    /** The toy's instructions, fetched 2 to 8 bytes at a time (so that a fetch near the end of memory gets fewer). */
    static final Codec CODEC = new Codec() {
        @Override
        public ByteOrder byteOrder() {
            return ToyArchitecture.CODEC.byteOrder();
        }

        @Override
        public int minLength() {
            return ToyArchitecture.CODEC.minLength();
        }

        @Override
        public int maxLength() {
            return 8;
        }

        @Override
        public Instruction decode(byte[] b, int off, int len, long pc) {
            if (len >= 2 && (b[off] == 5 || b[off] == 6)) {
                int reg = b[off + 1] & 7;
                return b[off] == 5 ? new ReadTime("rdtime r" + reg, reg) : new SendSgi("sgi r" + reg, reg);
            }
            return ToyArchitecture.CODEC.decode(b, off, Math.min(len, 2), pc);
        }

        @Override
        public byte[] encode(Statement s, AsmContext ctx) {
            return switch (s.mnemonic()) {
                case "rdtime" -> new byte[] {5, (byte) LAYOUT.require(s.operand(0))};
                case "sgi" -> new byte[] {6, (byte) LAYOUT.require(s.operand(0))};
                default -> ToyArchitecture.CODEC.encode(s, ctx);
            };
        }

        @Override
        public List<String> commentPrefixes() {
            return ToyArchitecture.CODEC.commentPrefixes();
        }
    };
}
