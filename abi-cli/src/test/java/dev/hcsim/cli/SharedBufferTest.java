package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.EffectLog;
import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * No buffer that one VM's embedder can reach is shared with another VM: an embedder whose {@link GuestMemory#write}
 * scribbles on {@code src} afterwards (reuses it, as a DMA engine or a pooled buffer might) cannot change what
 * another VM writes. Each case runs the same trap on VM A (scribbling memory) and then on VM B (plain memory).
 */
class SharedBufferTest {
    /** Guest RAM over a byte array; optionally scribbles 0xAA over {@code src} after every write. */
    static final class Ram implements GuestMemory {
        final byte[] ram = new byte[0x40000];
        final boolean scribble;

        Ram(boolean scribble) {
            this.scribble = scribble;
        }

        @Override
        public boolean read(long gpa, byte[] dst, int off, int len) {
            if (gpa < 0 || gpa + len > ram.length) {
                return false;
            }
            System.arraycopy(ram, (int) gpa, dst, off, len);
            return true;
        }

        @Override
        public boolean write(long gpa, byte[] src, int off, int len) {
            if (gpa < 0 || gpa + len > ram.length) {
                return false;
            }
            System.arraycopy(src, off, ram, (int) gpa, len);
            if (scribble) {
                Arrays.fill(src, off, off + len, (byte) 0xAA);
            }
            return true;
        }
    }

    /** Runs the trap {@code insn} at {@code pc} on a fresh VM over {@code ram}, with {@code setup} on its registers first. */
    private static void trap(VmConfig config, Ram ram, String insn, long pc, Consumer<RegisterFile> setup) {
        Vm vm = Vm.create(config);
        byte[] code = vm.assemble(insn, pc).bytes();
        System.arraycopy(code, 0, ram.ram, (int) pc, code.length);
        RegisterFile regs = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(0, regs);
        regs.pc(pc);
        setup.accept(regs);
        vm.trap(0, regs, ram, new EffectLog(config.vcpus()));
    }

    private static byte[] bytes(Ram r, int at, int len) {
        return Arrays.copyOfRange(r.ram, at, at + len);
    }

    @Test
    @DisplayName("x86 emulate.c em_hypercall: the patched vmcall bytes of VM B are 0f 01 c1 even after VM A's memory scribbled on its source")
    void x86PatchedBytes() {
        VmConfig c = VmConfig.builder("x86").build(); // Intel: vmmcall is patched to vmcall
        trap(c, new Ram(true), "vmmcall", 0x1000, r -> r.set("rax", 1));
        Ram b = new Ram(false);
        trap(c, b, "vmmcall", 0x1000, r -> r.set("rax", 1));
        assertArrayEquals(new byte[] {0x0f, 0x01, (byte) 0xc1}, bytes(b, 0x1000, 3));
    }

    @Test
    @DisplayName("arm64 pvtime.c kvm_init_stolen_time: VM B's PV_TIME_ST record is zeroed even after VM A's memory scribbled on the zeroes")
    void arm64PvTimeZeroes() {
        VmConfig c = VmConfig.builder("arm64").option("pvtime-ipa", "0x8000").build();
        trap(c, new Ram(true), "hvc #0", 0x1000, r -> r.set("x0", 0xC5000021L));
        Ram b = new Ram(false);
        Arrays.fill(b.ram, 0x8000, 0x8040, (byte) 0x55);
        trap(c, b, "hvc #0", 0x1000, r -> r.set("x0", 0xC5000021L));
        assertArrayEquals(new byte[64], bytes(b, 0x8000, 64));
    }

    @Test
    @DisplayName("s390 diag.c diag_release_pages: VM B's released page reads zero even after VM A's memory scribbled on the zero page")
    void s390ZeroPage() {
        VmConfig c = VmConfig.builder("s390").memory(0, 0x40000).build();
        Consumer<RegisterFile> range = r -> {
            r.set(1, 0x10000);
            r.set(3, 0x10000);
        };
        trap(c, new Ram(true), "diag %r1,%r3,0x10", 0x2000, range);
        Ram b = new Ram(false);
        Arrays.fill(b.ram, 0x10000, 0x12000, (byte) 0x22);
        trap(c, b, "diag %r1,%r3,0x10", 0x2000, range);
        assertArrayEquals(new byte[4096], bytes(b, 0x10000, 4096));
        assertEquals(0x22, b.ram[0x11000], "the next page is kept");
    }
}
