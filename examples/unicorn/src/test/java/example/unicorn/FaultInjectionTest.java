package example.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.sched.Machine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trap hcsim answers with {@code Outcome.FAULT} is injected from the typed {@code Fault} record into the guest on
 * Unicorn as KVM's next entry delivers it, and each case is run against hcsim's standalone machine as the
 * differential check runs it: where the machine delivers the fault itself (s390 through the program new PSW, PowerPC
 * into SRR0/SRR1) the Unicorn side, told to leave the delivery to its embedder, must end in the same state; where
 * neither side has a handler to deliver it to, both must stop with the same registers.
 */
class FaultInjectionTest {
    private static final int UC_ARM64_REG_VBAR_EL1 = 287;
    private static final int UC_X86_REG_CS = 11;
    private static final int UC_X86_REG_SS = 49;
    private static final int UC_X86_REG_RSP = 44;
    private static final int UC_X86_REG_RFLAGS = 253;

    @BeforeAll
    static void unicorn() {
        assumeTrue(Unicorn.available(), Unicorn.unavailableReason());
    }

    /** hcsim's standalone machine with {@code source} assembled at 0x1000 and vCPU 0 there, not yet run. */
    private static Machine machine(VmConfig config, String source) {
        Machine m = new Machine(config, "fault");
        m.load(0x1000, m.vm().assemble(source, 0x1000).bytes());
        m.registers(0).pc(0x1000);
        return m;
    }

    /** The configuration of {@code arch} as the adapter runs it (its byte order and mode options). */
    private static VmConfig adapted(UcArch arch) {
        VmConfig.Builder b = VmConfig.builder(arch.hcsimArch());
        arch.options().forEach(b::option);
        return b.build();
    }

    // ---------------------------------------------------------------- arm64 (arch/arm64/kvm/inject_fault.c inject_undef64)

    private static UnicornVm arm64Guest(long vbar) {
        Vm vm = Vm.create(VmConfig.builder("arm64").build());
        UnicornVm u = new UnicornVm(vm, 100);
        byte[] code = vm.assemble("nop\n.4byte 0          // UDF #0: not HVC or SMC\nwfi\n", 0x1000).bytes();
        u.memory().write(0x1000, code, 0, code.length);
        // the handler: mrs x5, esr_el1; mrs x6, elr_el1; wfi
        byte[] handler = vm.assemble(".4byte 0xd5385205\n.4byte 0xd5384026\nwfi\n", 0x4200).bytes();
        u.memory().write(0x4200, handler, 0, handler.length);
        u.registers(0).engine().reg(UC_ARM64_REG_VBAR_EL1, vbar);
        u.registers(0).pc(0x1000);
        return u;
    }

    @Test
    void arm64AnUndefinedInstructionIsTakenToTheGuestsEl1VectorWithItsSyndrome() {
        try (UnicornVm u = arm64Guest(0x4000)) {
            u.run(10);
            assertTrue(u.log().stream().anyMatch(l -> l.startsWith("vcpu0 fault injected: Unknown/Uncategorized (EC 0x00")), u.log().toString());
            int x5 = u.vm().architecture().registers().require("x5");
            int x6 = u.vm().architecture().registers().require("x6");
            assertEquals(0x0200_0000L, u.registers(0).get(x5), "ESR_EL1: EC 0 (unknown), IL 1");
            assertEquals(0x1004L, u.registers(0).get(x6), "ELR_EL1: the UDF");
            assertEquals(0x420cL, u.registers(0).pc(), "past the handler's wfi");
            assertEquals(VcpuState.HALTED, u.state(0));
        }
    }

    /**
     * An HVC at EL0 is UNDEFINED, taken by the guest's EL1 (hcsim's gate: FAULT, Fault.Arm64.undefined); hcsim's
     * interpreter hands it to the gate as Unicorn does (a UDF word it stops on by itself, without the gate).
     */
    @Test
    void arm64WithoutVectorsTheVcpuStopsAsOnHcsimsMachine() {
        Machine m = machine(VmConfig.builder("arm64").option("el", "0").build(), "nop\nhvc #0\nwfi\n");
        List<Differential.Side> sides = Differential.run(m, 100, 50);
        assertEquals(List.of(), Differential.compare(m.vm(), sides.get(0), sides.get(1)));
        assertEquals(VcpuState.STOPPED, sides.get(1).states()[0]);
        assertTrue(sides.get(1).log().stream().anyMatch(l -> l.contains("Unknown/Uncategorized") && l.contains("at 0x1004")
                && l.contains("VBAR_EL1 is 0")), sides.get(1).log().toString());
    }

    // ---------------------------------------------------------------- x86-64 (x86.c kvm_queue_exception; SDM Vol. 3A 6.14)

    /** vmmcall on an Intel host with KVM_X86_QUIRK_FIX_HYPERCALL_INSN off: #UD (x86.c emulator_fix_hypercall is not called). */
    private static VmConfig x86NoPatch() {
        return VmConfig.builder("x86").option("vendor", "intel").option("quirk-fix-hypercall", "off").build();
    }

    @Test
    void x86WithoutAnIdtTheVcpuStopsAsOnHcsimsMachine() {
        Machine m = machine(x86NoPatch(), "mov $11, %rax\nmov $0, %rbx\nvmmcall\nhlt\n");
        List<Differential.Side> sides = Differential.run(m, 100, 50);
        assertEquals(List.of(), Differential.compare(m.vm(), sides.get(0), sides.get(1)));
        assertEquals(VcpuState.STOPPED, sides.get(1).states()[0]);
        assertTrue(sides.get(1).log().stream().anyMatch(l -> l.contains("stopped: #UD at 0x")), sides.get(1).log().toString());
    }

    @Test
    void x86TheVectorIsDeliveredThroughTheIdtTheGuestLoaded() {
        Vm vm = Vm.create(x86NoPatch());
        try (UnicornVm u = new UnicornVm(vm, 100)) {
            // the guest: lidt (%rax) with rax = 0x3000; vmmcall at 0x1003; the #UD handler at 0x5000: hlt
            byte[] code = vm.assemble(".byte 0x0f, 0x01, 0x18\nvmmcall\nhlt\n", 0x1000).bytes();
            u.memory().write(0x1000, code, 0, code.length);
            u.memory().write(0x5000, new byte[] {(byte) 0xF4}, 0, 1);
            ByteBuffer idtr = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).putShort((short) (32 * 16 - 1)).putLong(0x4000);
            u.memory().write(0x3000, idtr.array(), 0, 10);
            long cs = u.registers(0).engine().reg(UC_X86_REG_CS);
            long ss = u.registers(0).engine().reg(UC_X86_REG_SS);
            // gate 6 (#UD): offset 0x5000, selector CS, IST 0, type 0xE (64-bit interrupt gate), present
            ByteBuffer gate = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x5000).putShort((short) cs)
                    .put((byte) 0).put((byte) 0x8E).putShort((short) 0).putInt(0).putInt(0);
            u.memory().write(0x4000 + 6 * 16, gate.array(), 0, 16);
            u.registers(0).set(vm.architecture().registers().require("rax"), 0x3000);
            u.registers(0).engine().reg(UC_X86_REG_RSP, 0x8008);
            u.registers(0).engine().reg(UC_X86_REG_RFLAGS, 0x246); // IF, ZF, PF
            u.registers(0).pc(0x1000);
            u.run(10);
            assertTrue(u.log().contains("vcpu0 fault injected: #UD"), u.log().toString());
            assertEquals(0x5001L, u.registers(0).pc(), "past the handler's hlt");
            assertEquals(VcpuState.HALTED, u.state(0));
            // SDM 6.14.2: RSP aligned down to 16 (0x8000), then SS, RSP, RFLAGS, CS, RIP pushed; no error code for #UD
            assertEquals(0x8000L - 40, u.registers(0).engine().reg(UC_X86_REG_RSP));
            byte[] frame = new byte[40];
            u.memory().read(0x8000 - 40, frame, 0, 40);
            ByteBuffer f = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x1003L, f.getLong(0), "RIP: the vmmcall (a fault, not a trap)");
            assertEquals(cs, f.getLong(8), "CS");
            assertEquals(0x246L, f.getLong(16), "RFLAGS before delivery");
            assertEquals(0x8008L, f.getLong(24), "RSP before alignment");
            assertEquals(ss, f.getLong(32), "SS");
            assertEquals(0x46L, u.registers(0).engine().reg(UC_X86_REG_RFLAGS) & 0x2FF, "IF cleared by the interrupt gate");
        }
    }

    // ---------------------------------------------------------------- s390x (arch/s390/kvm/interrupt.c __deliver_prog)

    /**
     * The bundled discovery guest takes a specification exception through its program new PSW (a program-check
     * fixup). hcsim's machine delivers it itself (INTERRUPTED); the Unicorn side runs with
     * {@code program-interruptions=report}, so hcsim answers FAULT and this loop stores the code, the ILC and the old
     * PSW and loads the new PSW. Both must end alike: registers, lowcore bytes, hypercalls and the typed fault of each
     * trap; only who delivered it differs.
     */
    @Test
    void s390AProgramInterruptionInjectedByTheLoopEndsAsHcsimDeliversIt() {
        var scenario = ScenarioReader.read(Path.of(System.getProperty("unicorn.scenarios", ".."), "s390-discovery-and-probing.json"));
        Machine m = ScenarioRunner.build(scenario).values().iterator().next();
        VmConfig report = m.vm().config().toBuilder().option("program-interruptions", "report").build();
        List<Differential.Side> sides = Differential.run(m, report, 20_000, 50, u -> u.run(20_000));
        Differential.Side unicorn = sides.get(1);
        assertTrue(unicorn.log().stream().anyMatch(l -> l.contains("fault injected: specification exception (code 0x0006, ILC 2)")),
                unicorn.log().toString());
        List<List<Differential.Call>> delivered = unicorn.calls().stream().map(c -> c.stream()
                .map(x -> x.outcome().equals("FAULT") ? new Differential.Call(x.pc(), x.number(), x.args(), x.results(), "INTERRUPTED",
                        x.status(), x.fault()) : x).toList()).toList();
        Differential.Side byLoop = new Differential.Side(unicorn.name(), unicorn.registers(), unicorn.states(), delivered, unicorn.memory(),
                unicorn.log());
        assertEquals(List.of(), Differential.compare(m.vm(), sides.get(0), byLoop));
    }

    // ---------------------------------------------------------------- MIPS and PowerPC: nothing Unicorn lets us write

    /** A MIPS syscall is the guest's own (hcsim: NOT_A_HYPERCALL, Fault.Mips Sys); neither side has a handler. */
    @Test
    void mipsASyscallStopsTheVcpuAsOnHcsimsMachine() {
        Machine m = machine(adapted(UcArch.of("mips")), "li $2, 4001\nsyscall\nnop\n");
        List<Differential.Side> sides = Differential.run(m, 100, 50);
        assertEquals(List.of(), Differential.compare(m.vm(), sides.get(0), sides.get(1)));
        assertEquals(VcpuState.STOPPED, sides.get(1).states()[0]);
        assertTrue(sides.get(1).log().stream().anyMatch(l -> l.contains("Sys (ExcCode 8)") && l.contains("no EPC")),
                sides.get(1).log().toString());
    }

    /**
     * msgsnd on a Book3S host is a program interrupt (illegal instruction). hcsim's machine writes SRR0, SRR1 and MSR
     * and moves the PC to the vector 0x700, then stops (no handler in its subset); the loop writes the same into the
     * registers it keeps beside the engine (Unicorn 2.0.1 has no SRR0/SRR1 register) and stops too: both sides agree.
     */
    @Test
    void ppcAProgramInterruptIsDeliveredIntoTheRegistersAsOnHcsimsMachine() {
        Machine m = machine(adapted(UcArch.of("ppc")), "li 3, 1\nmsgsnd 3\nnop\n");
        List<Differential.Side> sides = Differential.run(m, 100, 50);
        assertEquals(List.of(), Differential.compare(m.vm(), sides.get(0), sides.get(1)));
        assertEquals(0x700L, sides.get(1).registers()[0][sides.get(1).registers()[0].length - 1], "the PC at the program vector");
        assertTrue(sides.get(1).log().stream().anyMatch(l -> l.contains("program interrupt 0x700 (illegal instruction)")
                && l.contains("no handler runs")), sides.get(1).log().toString());
    }

    /**
     * A legacy SBI SEND_IPI whose hart-mask pointer is outside guest memory: KVM redirects a load access fault to
     * the guest (vcpu_sbi_v01.c, kvm_riscv_vcpu_unpriv_read then kvm_riscv_vcpu_trap_redirect; hcsim: FAULT,
     * Fault.RiscV cause 5, stval the address). Neither side can take it (no VS-mode handler in hcsim's subset, no H
     * extension in Unicorn's hart): both stop with the same registers and the same fault.
     */
    @Test
    void riscvALoadAccessFaultOfALegacySbiCallStopsTheVcpuAsOnHcsimsMachine() {
        Machine m = machine(VmConfig.builder("riscv").build(), "li a7, 4\nli a0, 0x7fff0000\necall\nwfi\n");
        List<Differential.Side> sides = Differential.run(m, 100, 50);
        assertEquals(List.of(), Differential.compare(m.vm(), sides.get(0), sides.get(1)));
        assertEquals(VcpuState.STOPPED, sides.get(1).states()[0]);
        assertTrue(sides.get(1).log().stream().anyMatch(l -> l.contains("stopped: ") && l.contains("no H extension")), sides.get(1).log().toString());
        assertTrue(sides.get(1).calls().get(0).get(0).fault() instanceof dev.hcsim.core.Fault.RiscV f && f.cause() == 5 && f.tval() == 0x7fff0000L,
                sides.get(1).calls().toString());
    }
}
