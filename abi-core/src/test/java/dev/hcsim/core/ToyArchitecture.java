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

/**
 * A tiny architecture for testing the core alone: 2-byte instructions {@code nop}, {@code trap},
 * {@code hlt}, {@code inc rN}, {@code jmp label}; r0 = number and result, r1/r2 = arguments.
 * Calls: 1 kick(r1), 2 ipi(r1, vector r2), 3 yield(r1), 4 cpu_on(r1, entry r2), 5 off, 6 exit to host,
 * 7 system off, 8 halt.
 */
public final class ToyArchitecture implements Architecture {
    static final RegisterLayout LAYOUT = RegisterLayout.builder().general("r0").general("r1").general("r2").general("r3").general("zero").zero()
            .build();
    static final TrapContract CONTRACT = TrapContract.builder(LAYOUT).trapInstructions("trap").number("r0", 64).arguments("r1", "r2")
            .results("r0").build();
    static final List<HypercallSpec> CALLS = List.of(
            HypercallSpec.builder(1, "TOY_KICK", t -> {
                t.control().kick((int) t.arg(0));
                t.ok(0);
            }).build(),
            HypercallSpec.builder(2, "TOY_IPI", t -> {
                t.control().interrupt((int) t.arg(0), (int) t.arg(1));
                t.ok(0);
            }).build(),
            HypercallSpec.builder(3, "TOY_YIELD", t -> {
                t.yieldTo((int) t.arg(0));
                t.ok(0);
            }).build(),
            HypercallSpec.builder(4, "TOY_CPU_ON", t -> t.ok(t.control().start((int) t.arg(0), t.arg(1), 1, 0x77) ? 0 : -4)).build(),
            HypercallSpec.builder(5, "TOY_OFF", t -> {
                t.stop();
                t.ok(0);
            }).build(),
            HypercallSpec.builder(6, "TOY_EXIT", t -> t.exitToHost(new Exit.Hypercall(6, new long[] {t.arg(0), 0, 0, 0, 0, 0}, 0, 0), null)).build(),
            HypercallSpec.builder(7, "TOY_SYSTEM_OFF", t -> {
                t.exitToHost(new Exit.SystemEvent(SystemEventType.SHUTDOWN), null);
            }).build(),
            HypercallSpec.builder(8, "TOY_HALT", t -> {
                t.halt();
                t.ok(0);
            }).build(),
            HypercallSpec.builder(9, "TOY_GATED", t -> t.ok(1)).feature("gated").build(),
            // TrapArgumentsTest: handlers that change the caller's argument registers before they read the arguments
            HypercallSpec.builder(12, "TOY_WRITE_THEN_READ", t -> {
                RegisterAccess r = t.registers();
                r.set(1, 0xDEAD);
                r.set(2, 0xBEEF);
                t.ok(t.arg(0) * 1000 + t.arg(1));
            }).build(),
            HypercallSpec.builder(13, "TOY_CONTROL_THEN_READ", t -> {
                t.control().onVcpu(t.vcpu(), regs -> regs.set(1, 0xDEAD)); // the embedder's control reaches the caller
                t.ok(t.arg(0));
            }).build(),
            HypercallSpec.builder(14, "TOY_EXIT_THEN_READ", t -> t.exitToHost(new Exit.Hypercall(14, new long[6], 0, 0),
                    (c, ret) -> c.ok(c.arg(0) + ret))).build());

    @Override
    public String name() {
        return "toy";
    }

    @Override
    public List<String> aliases() {
        return List.of("toy64");
    }

    @Override
    public String title() {
        return "a test architecture";
    }

    @Override
    public RegisterLayout registers() {
        return LAYOUT;
    }

    @Override
    public TrapContract contract() {
        return CONTRACT;
    }

    @Override
    public StatusCodec status() {
        return KvmErrno.CODEC;
    }

    @Override
    public List<HypercallSpec> hypercalls() {
        return CALLS;
    }

    @Override
    public List<FeatureSpec> features() {
        return List.of(new FeatureSpec("gated", false, "gates TOY_GATED"));
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(new OptionSpec("flavour", List.of("a", "b"), "a", "nothing"));
    }

    @Override
    public ByteOrder byteOrder(Map<String, String> options) {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public Codec codec(ByteOrder order) {
        return CODEC;
    }

    @Override
    public ArchitectureVm attach(VmContext vm) {
        return new ArchitectureVm() {
            @Override
            public void trap(Trap t) {
                if (t.decoded() == null) { // the decoded form: the first byte, decoded once per site and distinct bytes
                    DECODES.incrementAndGet();
                    t.decoded(Integer.valueOf(t.insnByte(0)));
                }
                if (t.insnByte(0) != 1) {
                    t.fault(Fault.X86.ud(t.pc()), "illegal instruction"); // the toy borrows x86's #UD: Fault is one record per real architecture
                    return;
                }
                t.instructionLength(2);
                t.dispatch();
            }

            @Override
            public boolean offers(HypercallSpec call) {
                return call.feature() == null || vm.feature(call.feature());
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

    private record Op(String text, int length, java.util.function.ToIntFunction<Cpu> run) implements Instruction {
        @Override
        public int execute(Cpu cpu) {
            return run.applyAsInt(cpu);
        }
    }

    /** How many times a toy gate decoded a trap instruction (found no decoded form at its call site): TrapSiteTest. */
    static final java.util.concurrent.atomic.AtomicInteger DECODES = new java.util.concurrent.atomic.AtomicInteger();

    static final Codec CODEC = new Codec() {
        @Override
        public ByteOrder byteOrder() {
            return ByteOrder.LITTLE_ENDIAN;
        }

        @Override
        public int minLength() {
            return 2;
        }

        @Override
        public int maxLength() {
            return 2;
        }

        @Override
        public Instruction decode(byte[] b, int off, int len, long pc) {
            if (len < 2) {
                return Instruction.undecodable(pc, Bytes.hex(b, off, len), Math.max(len, 1));
            }
            int op = b[off] & 0xFF;
            int arg = b[off + 1];
            return switch (op) {
                case 0 -> new Op("nop", 2, c -> Cpu.NEXT);
                case 1 -> new Op("trap", 2, c -> Cpu.TRAP);
                case 2 -> new Op("hlt", 2, c -> Cpu.HALT);
                case 3 -> new Op("inc r" + (arg & 3), 2, c -> {
                    c.regs().set(arg & 3, c.regs().get(arg & 3) + 1);
                    return Cpu.NEXT;
                });
                case 4 -> new Op("jmp 0x" + Long.toHexString(pc + arg), 2, c -> {
                    c.regs().pc(pc + arg);
                    return Cpu.JUMP;
                });
                default -> Instruction.undecodable(pc, Bytes.hex(b, off, 2), 2);
            };
        }

        @Override
        public byte[] encode(Statement s, AsmContext ctx) {
            return switch (s.mnemonic()) {
                case "nop" -> new byte[] {0, 0};
                case "trap" -> new byte[] {1, 0};
                case "hlt" -> new byte[] {2, 0};
                case "inc" -> new byte[] {3, (byte) LAYOUT.require(s.operand(0))};
                case "jmp" -> new byte[] {4, (byte) (ctx.evaluate(s.operand(0), s) - ctx.pc())};
                default -> throw s.error("unknown mnemonic");
            };
        }

        @Override
        public List<String> commentPrefixes() {
            return List.of("#");
        }
    };
}
