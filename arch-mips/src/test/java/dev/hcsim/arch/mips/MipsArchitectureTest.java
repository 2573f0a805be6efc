package dev.hcsim.arch.mips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.SingleCall;
import dev.hcsim.core.spi.Architecture;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Registration, options and the data the CLI reads from the architecture. */
class MipsArchitectureTest {
    @Test
    @DisplayName("registered through ServiceLoader as mips (alias mips64)")
    void registered() {
        assertTrue(Architectures.named("mips") instanceof MipsArchitecture);
        assertTrue(Architectures.named("MIPS64") instanceof MipsArchitecture);
    }

    @Test
    @DisplayName("hcsim asm --arch mips hypcall: 42000028; with --endian little: 28000042 (the issue's done-criterion)")
    void defaultTrapInstructionBytes() {
        for (String endian : new String[] {"big", "little"}) {
            Vm vm = Vm.create(VmConfig.builder("mips").option("endian", endian).build());
            byte[] b = SingleCall.instructionBytes(vm, null);
            assertEquals(endian.equals("big") ? "42000028" : "28000042", Bytes.hex(b));
            assertEquals(endian.equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, vm.byteOrder());
        }
    }

    @Test
    @DisplayName("options and features are checked: unknown values and names are clear errors")
    void badOptions() {
        assertThrows(IllegalArgumentException.class, () -> Vm.create(VmConfig.builder("mips").option("endian", "middle").build()));
        assertThrows(IllegalArgumentException.class, () -> Vm.create(VmConfig.builder("mips").option("host-width", "16").build()));
        assertThrows(IllegalArgumentException.class, () -> Vm.create(VmConfig.builder("mips").feature("steal-time", true).build()));
    }

    @Test
    @DisplayName("assembler errors name the statement: out-of-range immediates, unknown mnemonics, li over 32 bits (as GNU as refuses)")
    void assemblerErrors() {
        Architecture a = new MipsArchitecture();
        for (String bad : new String[] {"lui $2,-1", "addiu $2,$2,0x8000", "ori $2,$2,-1", "li $2,0x123456789", "daddu $2,$3,$4",
            "hypcall 0x400", "dsll32 $2,$2,32", "ld $2,40000($4)", "mfc0 $2,$15,2", "beq $2,$3,0x1002", "move $2", "or $40,$2,$3"}) {
            AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble(a.codec(ByteOrder.BIG_ENDIAN), bad, 0x1000), bad);
            assertTrue(e.getMessage().contains(bad.split(" ")[0]), e.getMessage());
        }
    }

    @Test
    @DisplayName("discovery by probing (MipsDiscovery.PROBE): the guest sees -KVM_ENOSYS, its only sign of KVM (asm/kvm_para.h: no features)")
    void probe() {
        Vm vm = Vm.create(VmConfig.builder("mips").build());
        Machine m = new Machine(vm, "probe");
        m.load(0x1000, vm.assemble(String.join("\n", MipsDiscovery.PROBE) + "\nwait", 0x1000).bytes());
        m.registers(0).pc(0x1000);
        m.run(100, Long.MAX_VALUE);
        assertEquals(-MipsStatus.KVM_ENOSYS, m.registers(0).get("v0"));
        assertEquals(0, MipsDiscovery.paraFeatures());
        assertTrue(vm.architecture().discovery().contains("EBase"));
    }

    @Test
    @DisplayName("register names are n64's (arch/mips/include/asm/regdef.h _MIPS_SIM_ABI64, the ABI of Debian's mips64*-linux-gnuabi64 "
            + "binutils): $8..$11 a4..a7 = ta0..ta3, $12..$15 t0..t3, $n and rn aliases, fp = s8, kt0/kt1 = k0/k1, then bd and ebase")
    void registerNames() {
        var l = new MipsArchitecture().registers();
        assertEquals(2, l.indexOf("$v0"));
        assertEquals(2, l.indexOf("$2"));
        assertEquals(30, l.indexOf("fp"));
        for (int i = 0; i < 4; i++) {
            assertEquals(8 + i, l.indexOf("$a" + (4 + i)));
            assertEquals(8 + i, l.indexOf("ta" + i));
            assertEquals("a" + (4 + i), l.name(8 + i));
            assertEquals(12 + i, l.indexOf("t" + i));
            assertEquals("t" + i, l.name(12 + i));
            assertEquals(-1, l.indexOf("t" + (4 + i)), "n64 has no t" + (4 + i));
        }
        assertEquals(24, l.indexOf("t8"));
        assertEquals(26, l.indexOf("$kt0"));
        assertEquals(27, l.indexOf("kt1"));
        assertEquals("s8", l.name(30));
        assertEquals(MipsRegisters.BD, l.indexOf("bd"));
        assertEquals(MipsRegisters.EBASE, l.indexOf("ebase"));
        assertEquals(0, l.zeroRegister());
        assertEquals(Map.of("v0", MipsCalls.ENOSYS, "pc", 0x1004L), MipsCalls.call("zero", 5, "v0", 1).changed());
    }

    @Test
    @DisplayName("o32's $t4..$t7 are rejected as GNU as for n64 rejects them (\"invalid operands\"), with a message naming n64's registers")
    void o32OnlyNamesAreRejected() {
        Architecture a = new MipsArchitecture();
        for (String bad : new String[] {"move $t4,$2", "or $2,$3,$t5", "ld $2,0($t6)", "sd $T7,8($4)", "li t4,1"}) {
            AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble(a.codec(ByteOrder.LITTLE_ENDIAN), bad, 0x1000), bad);
            assertTrue(e.getMessage().contains("o32 register name; the n64 ABI has no $t4..$t7 ($8..$11 are a4..a7 or ta0..ta3, "
                    + "$12..$15 are t0..t3)"), e.getMessage());
        }
        AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble(a.codec(ByteOrder.BIG_ENDIAN), "move $t10,$2", 0x1000));
        assertTrue(e.getMessage().contains("'$t10' is not a general register ("), e.getMessage());
    }
}
