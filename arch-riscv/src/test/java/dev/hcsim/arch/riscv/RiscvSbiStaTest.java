package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.MemoryAccess;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Steal-time accounting (arch/riscv/kvm/vcpu_sbi_sta.c) and its ONE_REG registers. */
class RiscvSbiStaTest {
    private static long read(Harness h, long gpa, int size) {
        return new MemoryAccess(h.m.memory(), ByteOrder.LITTLE_ENDIAN).read(gpa, size);
    }

    @Test
    @DisplayName("kvm_sbi_sta_steal_time_set_shmem: zeroes the 64 bytes; errors: flags -3, misaligned -3, hi != 0 -5, outside memory -5; -1/-1 turns it off")
    void setShmem() {
        Harness h = Harness.of(1);
        h.m.memory().write(0x4000, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, 8);
        h.ecall(EXT_STA, 0, 0x4000, 0, 0);
        assertEquals(0, h.a(0));
        assertEquals(0, read(h, 0x4000, 8));
        assertEquals(0x4000, h.riscv().oneReg(0, RiscvVm.KVM_REG_RISCV_U64 | RiscvVm.KVM_REG_RISCV_SBI_STATE));
        h.ecall(EXT_STA, 0, 0x4000, 0, 1);
        assertEquals(-3, h.a(0));
        h.ecall(EXT_STA, 0, 0x4020, 0, 0);
        assertEquals(-3, h.a(0));
        h.ecall(EXT_STA, 0, 0x4000, 1, 0);
        assertEquals(-5, h.a(0));
        h.ecall(EXT_STA, 0, 0x7000_0000L, 0, 0);
        assertEquals(-5, h.a(0));
        h.ecall(EXT_STA, 0, 0xFFFC0, 0, 0); // last 64 bytes of the 1 MiB: fine
        assertEquals(0, h.a(0));
        h.ecall(EXT_STA, 0, -1, -1, 0);
        assertEquals(0, h.a(0));
        assertEquals(-1L, h.riscv().oneReg(0, RiscvVm.KVM_REG_RISCV_U64 | RiscvVm.KVM_REG_RISCV_SBI_STATE));
    }

    @Test
    @DisplayName("kvm_riscv_vcpu_record_steal_time: each load adds the run delay since the last record to steal and bumps the sequence by 2")
    void record() {
        Harness h = Harness.of(1);
        h.ecall(EXT_STA, 0, 0x4000, 0, 0);
        h.riscv().scheduleIn(0, 0, 1500, new MemoryAccess(h.m.memory(), ByteOrder.LITTLE_ENDIAN));
        assertEquals(2, read(h, 0x4000, 4));
        assertEquals(1500, read(h, 0x4008, 8));
        h.riscv().scheduleIn(0, 0, 250, new MemoryAccess(h.m.memory(), ByteOrder.LITTLE_ENDIAN));
        assertEquals(4, read(h, 0x4000, 4));
        assertEquals(1750, read(h, 0x4008, 8));
        assertEquals(0, read(h, 0x4010, 1), "KVM never writes preempted");
    }

    @Test
    @DisplayName("for all delays: steal is the sum of the run delays since SET_SHMEM, the sequence even after every record (vcpu_sbi_sta.c)")
    void stealIsSum() {
        qt().withExamples(200).forAll(longs().between(0, 1L << 40), longs().between(0, 1L << 40), longs().between(0, 1L << 40))
                .checkAssert((before, d1, d2) -> {
                    Harness h = Harness.of(1);
                    MemoryAccess m = new MemoryAccess(h.m.memory(), ByteOrder.LITTLE_ENDIAN);
                    h.riscv().scheduleIn(0, 0, before, m); // delay before registration is not steal the guest sees
                    h.ecall(EXT_STA, 0, 0x4000, 0, 0);
                    h.riscv().scheduleIn(0, 0, d1, m);
                    h.riscv().scheduleIn(0, 0, d2, m);
                    assertEquals(d1 + d2, read(h, 0x4008, 8));
                    assertEquals(0, read(h, 0x4000, 4) & 1);
                });
    }

    @Test
    @DisplayName("kvm_sbi_ext_sta_set_reg: shmem_lo (aligned) read back, shmem_hi must be 0 on RV64 (-EINVAL), other numbers -EINVAL")
    void oneReg() {
        RiscvVm s = Harness.of(1).riscv();
        long sta = RiscvVm.KVM_REG_RISCV_U64 | RiscvVm.KVM_REG_RISCV_SBI_STATE | RiscvVm.KVM_REG_RISCV_SBI_STA;
        assertEquals(0, s.setOneReg(0, sta, 0x8000));
        assertEquals(0x8000, s.oneReg(0, sta));
        assertEquals(-RiscvVm.EINVAL, s.setOneReg(0, sta | 1, 1));
        assertEquals(0, s.setOneReg(0, sta | 1, 0));
        assertEquals(-RiscvVm.EINVAL, s.setOneReg(0, sta | 2, 0));
        assertNull(s.oneReg(0, sta | 2));
    }
}
