package dev.hcsim.arch.ppc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.SingleCall;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.trace.Trace;
import dev.hcsim.core.trace.TrapEvent;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Guest programs under the standalone machine: the interpreter, the magic page as loads and stores see it, discovery. */
class PpcMachineTest {
    static final String MAP = "lis 0,0x4b56\nori 0,0,0x4d21\nlis 11,42\nori 11,11,4\nli 3,-4096\nli 4,-4095\nsc\n";

    static Machine run(VmConfig config, String source, int steps) {
        Vm vm = Vm.create(config);
        Machine m = new Machine(vm, "t");
        m.load(0x1000, vm.assemble(source, 0x1000).bytes());
        m.registers(0).pc(0x1000);
        m.run(steps, 1_000_000_000L);
        return m;
    }

    static Cpu cpu(Machine m) {
        return new Cpu(Engine.context(m.vm()), 0, m.registers(0), new MemoryAccess(m.memory(), m.vm().byteOrder()));
    }

    static Instruction insn(Machine m, String text) {
        byte[] b = m.vm().assemble(text, 0x2000).bytes();
        return Engine.context(m.vm()).codec().decode(b, 0, 4, 0x2000);
    }

    @Test
    @DisplayName("hcsim call --arch ppc r0=0x4b564d21 r11=0x2a0003: the default trap instruction (sc) returns KVM_HC_FEATURES's mask 0x2 in r4")
    void cliCall() {
        SingleCall.Result r = SingleCall.run(VmConfig.builder("ppc").build(), 0, null, Map.of("r0", 0x4B564D21L, "r11", 0x2A0003L), Map.of());
        assertEquals("sc", r.text());
        assertEquals("KVM_HC_FEATURES", r.call());
        assertEquals("EV_SUCCESS", r.statusName());
        assertEquals(2, r.after().get("r4"));
        SingleCall.Result hv = SingleCall.run(VmConfig.builder("ppc").option("host", "booke-hv").build(), 0, null, Map.of("r11", 0x2A0003L),
                Map.of());
        assertEquals("sc 1", hv.text());
        assertEquals(0, hv.after().get("r4"));
    }

    @Test
    @DisplayName("16. a guest without the DT property calls its stub: r3 = -1 and no trap (arch/powerpc/kernel/epapr_hcalls.S)")
    void unpatchedStub() {
        Vm vm = Vm.create(VmConfig.builder("ppc").build());
        Machine m = new Machine(vm, "t");
        m.load(0x1000, vm.assemble("lis 11,42\nori 11,11,3\nbl stub\nmr 20,3\n.long 0\nstub: li 3,-1\nnop\nnop\nnop\nblr",
                0x1000).bytes());
        m.registers(0).pc(0x1000);
        Trace trace = new Trace();
        m.traceTo(trace);
        m.run(100, 1_000_000);
        assertEquals(-1L, m.registers(0).get(20));
        assertTrue(trace.events().stream().noneMatch(e -> e instanceof TrapEvent));
        assertEquals(VcpuState.STOPPED, m.stateOf(0)); // the .long 0 after the call
    }

    @Test
    @DisplayName("17. QEMU's fallback words give r3 = -1 executed big-endian and byte-swapped (QEMU target/ppc/kvm.c kvmppc_get_hypercall)")
    void qemuFallback() {
        byte[] words = new byte[16];
        for (int i = 0; i < 4; i++) {
            Bytes.put(words, 4 * i, 4, PpcDiscovery.qemuFallback()[i] & 0xFFFFFFFFL, true); // as the host hands them over
        }
        for (String endian : new String[] {"big", "little"}) {
            Vm vm = Vm.create(VmConfig.builder("ppc").option("endian", endian).build());
            Machine m = new Machine(vm, "t");
            m.load(0x1000, words);
            m.load(0x1010, vm.assemble("mr 20,3\n.long 0", 0x1010).bytes());
            m.registers(0).pc(0x1000);
            m.registers(0).set(3, 0x77);
            m.run(20, 1_000_000);
            assertEquals(-1L, m.registers(0).get(20), endian);
        }
        // big-endian: tdi 0,0,72 (never traps), li 3,-1, b .+8 over the last word; little-endian: word 0 reads as b .+8
        assertEquals("tdi 0,r0,72", PpcCodecTest.BE.decode(words, 0, 4, 0).text());
        assertEquals("b 0x8", PpcCodecTest.LE.decode(words, 0, 4, 0).text());
        assertEquals("li r3,-1", PpcCodecTest.LE.decode(words, 12, 4, 0).text());
    }

    @Test
    @DisplayName("19. after mapping, ld 3,-4008(0) in supervisor state reads the shared msr; in problem state it is an ordinary access (powerpc.c kvmppc_ld; book3s_64_mmu.c)")
    void magicPageLoads() {
        Machine m = run(VmConfig.builder("ppc").build(), MAP, 7);
        Cpu cpu = cpu(m);
        RegisterFile r = m.registers(0);
        assertEquals(Cpu.NEXT, insn(m, "ld 5,-4008(0)").execute(cpu));
        assertEquals(PpcRegisters.MSR_SF, r.get(5));
        r.set(PpcRegisters.MSR, PpcRegisters.MSR_SF | PpcRegisters.MSR_PR);
        Instruction ld = insn(m, "ld 6,-4008(0)");
        assertThrows(GuestFault.class, () -> ld.execute(cpu)); // no RAM at 0xfffffffffffff058: the guest's own translation
    }

    @Test
    @DisplayName("32-bit guest: EAs wrap to 32 bits and lwz at offset + 4 reads the low word of a 64-bit field (ppc-pv.rst; kernel/kvm.c kvm_patch_ins_lwz)")
    void magicPage32Bit() {
        Machine m = run(VmConfig.builder("ppc").option("mode", "32").build(), MAP + "li 5,0x1234\nstd 5,-4064(0)\nlwz 6,-4060(0)\nlwz 7,-4064(0)", 11);
        RegisterFile r = m.registers(0);
        assertEquals(0xFFFF_F000L, m.vm().archState(PpcVm.class).magicPagePa(0));
        assertEquals(0x1234, r.get(6));
        assertEquals(0, r.get(7));
    }

    @Test
    @DisplayName("magic page stores: EE and RI reach the MSR, other bits do not; srr0 reaches the register; each vCPU has its own page (ppc-pv.rst)")
    void magicPageStores() {
        Machine m = run(VmConfig.builder("ppc").vcpus(2).build(), MAP, 7);
        Cpu cpu = cpu(m);
        RegisterFile r = m.registers(0);
        r.set(5, PpcRegisters.MSR_SF | PpcRegisters.MSR_EE | PpcRegisters.MSR_PR | PpcRegisters.MSR_RI);
        insn(m, "std 5,-4008(0)").execute(cpu);
        assertEquals(PpcRegisters.MSR_SF | PpcRegisters.MSR_EE | PpcRegisters.MSR_RI, r.get(PpcRegisters.MSR));
        r.set(5, 0xABCDEF00L);
        insn(m, "std 5,-4032(0)").execute(cpu); // srr0 at 0x40
        assertEquals(0xABCDEF00L, r.get(PpcRegisters.SRR0));
        PpcVm pv = m.vm().archState(PpcVm.class);
        assertEquals(PpcRegisters.MSR_SF | PpcRegisters.MSR_EE | PpcRegisters.MSR_RI, pv.sharedField(0, PpcVm.OFF_MSR, 8));
        assertEquals(0, pv.magicPagePa(1)); // vCPU 1 never mapped
        assertEquals(-1, pv.magicOffset(1, -4008, 8, 0));
    }

    @Test
    @DisplayName("the shared page is in the VM's byte order: big-endian by default, little-endian with endian=little (powerpc.c shared_big_endian)")
    void magicPageByteOrder() {
        Machine be = run(VmConfig.builder("ppc").build(), MAP + "lwz 5,-4008(0)", 8);
        assertEquals(0x8000_0000L, be.registers(0).get(5));
        Machine le = run(VmConfig.builder("ppc").option("endian", "little").build(), MAP + "lwz 5,-4008(0)", 8);
        assertEquals(PpcRegisters.MSR_LE, le.registers(0).get(5));
    }

    @Test
    @DisplayName("every field of struct kvm_vcpu_arch_shared at its offset; 240 bytes (arch/powerpc/include/uapi/asm/kvm_para.h)")
    void sharedLayout() {
        int[] offsets = {PpcVm.OFF_SCRATCH1, PpcVm.OFF_SCRATCH2, PpcVm.OFF_SCRATCH3, PpcVm.OFF_CRITICAL, PpcVm.OFF_SPRG0, PpcVm.OFF_SPRG1,
            PpcVm.OFF_SPRG2, PpcVm.OFF_SPRG3, PpcVm.OFF_SRR0, PpcVm.OFF_SRR1, PpcVm.OFF_DAR, PpcVm.OFF_MSR, PpcVm.OFF_DSISR,
            PpcVm.OFF_INT_PENDING, PpcVm.OFF_SR, PpcVm.OFF_MAS0, PpcVm.OFF_MAS1, PpcVm.OFF_MAS7_3, PpcVm.OFF_MAS2, PpcVm.OFF_MAS4,
            PpcVm.OFF_MAS6, PpcVm.OFF_ESR, PpcVm.OFF_PIR, PpcVm.OFF_SPRG4, PpcVm.OFF_SPRG5, PpcVm.OFF_SPRG6, PpcVm.OFF_SPRG7, PpcVm.SHARED_SIZE};
        int[] sizes = {8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 4, 4, 64, 4, 4, 8, 8, 4, 4, 4, 4, 8, 8, 8, 8};
        int at = 0;
        for (int i = 0; i < sizes.length; i++) {
            assertEquals(at, offsets[i], "field " + i);
            at += sizes[i];
        }
        assertEquals(0xF0, at);
        assertEquals(PpcVm.SHARED_SIZE, offsets[offsets.length - 1]);
    }

    @Test
    @DisplayName("PIR: mfspr 1023 (Book3S) / 286 (BookE) and the magic page's pir give the vCPU id (emulate.c kvmppc_emulate_mfspr SPRN_PIR)")
    void pir() {
        Vm vm = Vm.create(VmConfig.builder("ppc").vcpus(3).vcpuIds(0, 4, 8).build());
        Machine m = new Machine(vm, "t");
        Cpu c = new Cpu(Engine.context(vm), 2, m.registers(2), new MemoryAccess(m.memory(), vm.byteOrder()));
        assertEquals(Cpu.NEXT, decode(vm, "mfspr 5,1023").execute(c));
        assertEquals(8, m.registers(2).get(5));
        assertEquals(8, vm.archState(PpcVm.class).sharedField(2, PpcVm.OFF_PIR, 4));
        // SPR 286 is not PIR on Book3S: PR KVM's "invalid SPR read" answers 0 in supervisor state (book3s_emulate.c)
        m.registers(2).set(6, 77);
        assertEquals(Cpu.NEXT, decode(vm, "mfspr 6,286").execute(c));
        assertEquals(0, m.registers(2).get(6));
        // problem state: privileged
        RegisterFile r = m.registers(0);
        r.set(PpcRegisters.MSR, PpcRegisters.MSR_PR);
        assertEquals(Cpu.FAULT, decode(vm, "mfpir 5").execute(new Cpu(Engine.context(vm), 0, r, new MemoryAccess(m.memory(), vm.byteOrder()))));
        // BookE: PIR is SPR 286; 1023 is refused
        Vm booke = Vm.create(VmConfig.builder("ppc").option("host", "booke-hv").vcpus(2).build());
        Machine mb = new Machine(booke, "b");
        Cpu cb = new Cpu(Engine.context(booke), 1, mb.registers(1), new MemoryAccess(mb.memory(), booke.byteOrder()));
        assertEquals(Cpu.NEXT, decode(booke, "mfspr 5,286").execute(cb));
        assertEquals(1, mb.registers(1).get(5));
        assertEquals(Cpu.FAULT, decode(booke, "mfspr 5,1023").execute(cb));
        assertEquals("PIR", new PpcArchitecture().vcpuIdName());
    }

    static Instruction decode(Vm vm, String text) {
        byte[] b = vm.assemble(text, 0).bytes();
        return Engine.context(vm).codec().decode(b, 0, 4, 0);
    }

    @Test
    @DisplayName("interpreter: cmpdi/cmpwi set LT/GT/EQ in their CR field, beq/bne follow it; rldicr, or, bl/blr, mtctr/bctr")
    void interpreter() {
        String src = String.join("\n", "li 3,-1", "cmpwi 3,-1", "cmpdi 7,3,0", "li 4,0", "bne skip", "li 4,1", "skip: beq 7,bad",
                "lis 5,0x1234", "ori 5,5,0x5678", "sldi 6,5,32", "rldicr 7,5,8,55", "or 8,6,5", "bl sub", "lis 10,done@ha",
                "addi 10,10,done@l", "mtctr 10", "bctr", "bad: li 4,99", "sub: li 9,7", "blr", "done: .long 0");
        Machine m = run(VmConfig.builder("ppc").build(), src, 100);
        RegisterFile r = m.registers(0);
        assertEquals(1, r.get(4));
        assertEquals(0x2L << 28 | 0x8, r.get(PpcRegisters.CR)); // cr0 = EQ (-1 == -1), cr7 = LT (-1 < 0)
        assertEquals(0x1234_5678_0000_0000L, r.get(6));
        assertEquals(0x12_3456_7800L, r.get(7));
        assertEquals(0x1234_5678_1234_5678L, r.get(8));
        assertEquals(7, r.get(9));
        assertEquals(VcpuState.STOPPED, m.stateOf(0));
        assertTrue(m.stopReason(0).contains("not in the guest subset"));
    }

    @Test
    @DisplayName("discovery: the FDT blob has the /hypervisor node with compatible, hcall-instructions (4 BE cells) and has-idle; vCPU 0 gets r3 = its address")
    void deviceTree() {
        for (PpcHost h : PpcHost.values()) {
            byte[] fdt = PpcDiscovery.flattenedDeviceTree(h, PpcDiscovery.HCALL_INSTRUCTIONS);
            assertEquals(0xD00DFEED, PpcDiscovery.get32(fdt, 0));
            assertEquals(fdt.length, PpcDiscovery.get32(fdt, 4));
            assertEquals(17, PpcDiscovery.get32(fdt, 20));
            String all = new String(fdt, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(all.contains("hypervisor\0"));
            assertTrue(all.contains("linux,kvm\0"));
            assertTrue(all.contains("hcall-instructions\0"));
            assertTrue(all.contains("has-idle\0"));
            int off = PpcDiscovery.instructionsOffset(h, PpcDiscovery.HCALL_INSTRUCTIONS);
            assertEquals(0x74, off);
            assertEquals(3, PpcDiscovery.get32(fdt, off - 12)); // FDT_PROP
            assertEquals(16, PpcDiscovery.get32(fdt, off - 8)); // its length
            for (int i = 0; i < 4; i++) {
                assertEquals(PpcDiscovery.hcallInstructions(h)[i], PpcDiscovery.get32(fdt, off + 4 * i));
            }
        }
        assertArrayEquals(new int[] {0x3C004B56, 0x60004D21, 0x44000002, 0x60000000}, PpcDiscovery.hcallInstructions(PpcHost.BOOK3S_PR));
        assertArrayEquals(new int[] {0x44000022, 0x60000000, 0x60000000, 0x60000000}, PpcDiscovery.hcallInstructions(PpcHost.BOOKE_HV));
        assertTrue(PpcDiscovery.dts(PpcHost.BOOKE_HV, "hcall-instructions")
                .contains("hcall-instructions = <0x44000022 0x60000000 0x60000000 0x60000000>;"));
        // The blob is in guest memory once the first vCPU runs, and vCPU 0 starts with r3 = its address (ePAPR).
        Machine m = run(VmConfig.builder("ppc").build(), ".long 0", 1);
        byte[] got = new byte[16];
        m.memory().read(0xF000 + 0x74, got, 0, 16);
        assertEquals(0x3C004B56, PpcDiscovery.get32(got, 0));
        assertEquals(0xF000, m.registers(0).get(3));
        // The documented property name is an option; the Linux guest would not find it.
        byte[] doc = PpcDiscovery.flattenedDeviceTree(PpcHost.BOOK3S_PR, PpcDiscovery.HYPERCALL_INSTRUCTIONS);
        assertTrue(new String(doc, java.nio.charset.StandardCharsets.ISO_8859_1).contains("hypercall-instructions\0"));
        Machine none = run(VmConfig.builder("ppc").option("dtb", "0").build(), ".long 0", 1);
        assertEquals(0, none.registers(0).get(3));
    }

    @Test
    @DisplayName("18. hcall-instructions of 6 or 20 bytes is ignored; 8 bytes patch the first two words, the stub's nops stay (kernel/epapr_paravirt.c)")
    void patchRules() {
        int[] stub = PpcDiscovery.linuxStub();
        assertNull(PpcDiscovery.patchStub(new byte[6], stub));
        assertNull(PpcDiscovery.patchStub(new byte[20], stub));
        assertNull(PpcDiscovery.patchStub(null, stub));
        byte[] eight = new byte[8];
        PpcDiscovery.put32(eight, 0, 0x44000022);
        PpcDiscovery.put32(eight, 4, 0x60000000);
        assertArrayEquals(new int[] {0x44000022, 0x60000000, 0x60000000, 0x60000000}, PpcDiscovery.patchStub(eight, stub));
        byte[] full = new byte[16];
        int[] w = PpcDiscovery.hcallInstructions(PpcHost.BOOK3S_PR);
        for (int i = 0; i < 4; i++) {
            PpcDiscovery.put32(full, 4 * i, w[i]);
        }
        assertArrayEquals(w, PpcDiscovery.patchStub(full, stub));
        assertArrayEquals(new int[] {0x3860FFFF, 0x60000000, 0x60000000, 0x60000000}, stub);
    }

    @Test
    @DisplayName("int_pending: a doorbell to a running vCPU sets it until the vCPU's next EV_IDLE, which returns at once (booke.c int_pending; powerpc.c EV_IDLE)")
    void intPending() {
        Vm vm = Vm.create(VmConfig.builder("ppc").option("host", "booke-hv").vcpus(2).build());
        Machine m = new Machine(vm, "t");
        m.load(0x1000, vm.assemble("li 5,0\nmsgsnd 5\nli 11,16\noris 11,11,1\nsc 1\nli 12,1\nsc 1", 0x1000).bytes());
        m.registers(0).pc(0x1000);
        m.initialState(1, VcpuState.HALTED);
        PpcVm pv = vm.archState(PpcVm.class);
        m.run(2, 1_000_000);
        assertTrue(pv.interruptPending(0));
        assertEquals(1, pv.sharedField(0, PpcVm.OFF_INT_PENDING, 4));
        m.run(100, 1_000_000);
        assertFalse(pv.interruptPending(0));
        assertEquals(0, pv.sharedField(0, PpcVm.OFF_INT_PENDING, 4));
        assertEquals(1, m.registers(0).get(12));
        assertEquals(VcpuState.HALTED, m.stateOf(0));
    }

    @Test
    @DisplayName("architecture: name, aliases, options with kernel defaults, doc differences, discovery text, LE codec")
    void architecture() {
        PpcArchitecture a = new PpcArchitecture();
        assertEquals("ppc", a.name());
        assertTrue(a.aliases().contains("powerpc64"));
        assertEquals(ByteOrder.LITTLE_ENDIAN, a.byteOrder(Map.of("endian", "little")));
        assertEquals(ByteOrder.BIG_ENDIAN, a.byteOrder(Map.of()));
        assertEquals("book3s-pr", a.options().stream().filter(o -> o.name().equals("host")).findFirst().orElseThrow().defaultValue());
        assertTrue(a.docDifferences().stream().anyMatch(d -> d.contains("hypercall-instructions") && d.contains("hcall-instructions")));
        assertTrue(a.discovery().contains("linux,kvm"));
        assertFalse(a.features().stream().anyMatch(f -> f.defaultOn()));
        assertEquals(ByteOrder.LITTLE_ENDIAN, a.codec(ByteOrder.LITTLE_ENDIAN).byteOrder());
    }
}
