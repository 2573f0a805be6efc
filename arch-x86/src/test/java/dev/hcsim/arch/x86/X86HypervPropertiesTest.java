package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.RegisterFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Hyper-V hypercall rules that hold for all inputs (arch/x86/kvm/hyperv.c kvm_hv_hypercall, kvm_hv_flush_tlb, sparse sets). */
class X86HypervPropertiesTest {
    private static final int[] KNOWN = {0x2, 0x3, 0x8, 0xb, 0x13, 0x14, 0x15, 0x5c, 0x5d, 0x69, 0x6a, 0x6b};
    /** Call codes: every one KVM knows, weighted, and any other 16-bit value outside the extended range (which exits). */
    private static final Gen<Integer> CODES = integers().between(0, KNOWN.length - 1).map(i -> KNOWN[i])
            .mix(integers().between(0, 0x8000), 30);
    private static final long RSVD = X86HypervTlfs.HV_HYPERCALL_RSVD_MASK;

    @Test
    @DisplayName("for all control words with a reserved bit: HV_STATUS_INVALID_HYPERCALL_INPUT, RIP + 3, nothing else changes")
    void reservedBitIsInvalidInputAndNothingElse() {
        qt().withExamples(1500).forAll(CODES, longs().all(), longs().all().map(v -> v & RSVD).assuming(v -> v != 0), longs().all())
                .checkAssert((code, bits, rsvd, other) -> {
                    HvGuest g = HvGuest.of(4);
                    RegisterFile r = g.regs(0);
                    for (int i = 0; i < 16; i++) {
                        r.set(i, other + i);
                    }
                    for (int n = 0; n < 16; n++) {
                        g.xmm(0, n, other ^ n, ~other + n);
                    }
                    long control = (bits & ~RSVD & ~0xffffL) | code | rsvd;
                    RegisterFile before = new RegisterFile(r.layout());
                    before.copyFrom(r);
                    before.set(X86Registers.RCX, control);
                    before.set(X86Registers.RDX, other);
                    before.set(8, other >>> 3);
                    long rax = g.call(control, other, other >>> 3);
                    assertEquals(3, rax, "HV_STATUS_INVALID_HYPERCALL_INPUT");
                    before.set(X86Registers.RAX, 3);
                    before.pc(HvGuest.CODE + 3);
                    assertEquals(before, r, "only RAX and RIP change");
                    for (int v = 0; v < 4; v++) {
                        assertEquals(0, g.hv().tlbFlushRequests(v));
                        assertEquals(java.util.Map.of(), g.m.interrupts(v));
                    }
                    assertEquals(-1, g.last.yieldTarget());
                });
    }

    @Test
    @DisplayName("for all rep counts and starts: only the flush LIST forms report reps completed, = rep count, and only on success")
    void repsCompletedAsTheKernel() {
        qt().withExamples(1500).forAll(CODES, integers().between(0, 0xfff), integers().between(0, 0xfff).mix(integers().between(0, 0), 50))
                .checkAssert((code, repCnt, repIdx) -> {
                    HvGuest g = HvGuest.of(2);
                    g.m.load(0x4000, new byte[4096]); // a zeroed input page: all processors, empty sparse sets, zero entries
                    long control = HvGuest.control(code, false, 0, repCnt, repIdx);
                    long result = g.call(control, 0x4000, 0x5000);
                    boolean list = code == X86HypervTlfs.HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST || code == X86HypervTlfs.HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX;
                    long status = result & 0xffff;
                    assertEquals(list && status == 0 ? repCnt : 0, result >>> 32, "reps completed");
                    if (list) {
                        // kvm_hv_hypercall: a LIST form needs a rep count and no rep start
                        assertEquals(repCnt != 0 && repIdx == 0 ? 0 : 3, status);
                    } else if (code == X86HypervTlfs.HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE || code == X86HypervTlfs.HVCALL_SEND_IPI_EX
                            || code == X86HypervTlfs.HVCALL_NOTIFY_LONG_SPIN_WAIT || code == X86HypervTlfs.HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX) {
                        assertEquals(repCnt != 0 || repIdx != 0 ? 3 : 0, status); // rep forbidden; else success on the zeroed page
                    }
                });
    }

    /** A set of VP indices below 4096 (KVM_MAX_VCPUS). */
    private static final Gen<List<Integer>> VP_SETS = lists().of(integers().between(0, 4095).mix(integers().between(0, 130), 60))
            .ofSizeBetween(0, 12);

    /** struct hv_vpset's packing of {@code vps}: valid_bank_mask, then one u64 per valid bank in ascending order. */
    static long[] sparse(List<Integer> vps) {
        long[] expanded = new long[64];
        for (int vp : vps) {
            expanded[vp / 64] |= 1L << (vp % 64);
        }
        long valid = 0;
        List<Long> banks = new ArrayList<>();
        for (int b = 0; b < 64; b++) {
            if (expanded[b] != 0) {
                valid |= 1L << b;
                banks.add(expanded[b]);
            }
        }
        long[] out = new long[1 + banks.size()];
        out[0] = valid;
        for (int i = 0; i < banks.size(); i++) {
            out[1 + i] = banks.get(i);
        }
        return out;
    }

    @Test
    @DisplayName("for all sparse VP sets: hv_is_vp_in_sparse_set names exactly the VPs of the expanded 4096-bit mask")
    void sparseSetDecodesToTheExpandedMask() {
        qt().withExamples(1000).forAll(VP_SETS).checkAssert(vps -> {
            long[] s = sparse(vps);
            long[] banks = Arrays.copyOfRange(s, 1, s.length);
            TreeSet<Integer> want = new TreeSet<>(vps);
            for (int vp = 0; vp < 4096; vp++) {
                assertEquals(want.contains(vp), X86HypervTlbIpi.vpInSparseSet(vp, s[0], banks), "VP " + vp);
            }
        });
    }

    @Test
    @DisplayName("for all sparse VP sets and VP index assignments: SEND_IPI_EX and FLUSH_SPACE_EX reach the vCPUs whose VP index is in the set")
    void sparseSetReachesTheSameVcpus() {
        Gen<List<Integer>> vpIndices = lists().of(integers().between(0, 4095).mix(integers().between(0, 130), 60)).ofSize(6);
        qt().withExamples(300).forAll(VP_SETS, vpIndices, integers().between(0, 1)).checkAssert((vps, assign, fast) -> {
            HvGuest g = HvGuest.of(6);
            for (int v = 0; v < 6; v++) {
                g.vm.control().setMsrs(v, new dev.hcsim.core.MsrEntry(0x40000002L, assign.get(v)));
            }
            long[] s = sparse(vps);
            int varCnt = s.length - 1;
            TreeSet<Integer> want = new TreeSet<>(vps);
            long ipi;
            long flush;
            if (fast == 1 && varCnt <= 11) {
                long[] halves = new long[12];
                halves[0] = s[0];
                System.arraycopy(s, 1, halves, 1, varCnt);
                for (int n = 0; n < 6; n++) {
                    g.xmm(0, n, halves[2 * n], halves[2 * n + 1]);
                }
                ipi = g.call(HvGuest.control(0x15, true, varCnt, 0, 0), 0x30, 0);
                long[] fh = new long[12];
                fh[0] = 0;
                fh[1] = s[0];
                System.arraycopy(s, 1, fh, 2, Math.min(varCnt, 10));
                for (int n = 0; n < 6; n++) {
                    g.xmm(0, n, fh[2 * n], fh[2 * n + 1]);
                }
                flush = varCnt <= 10 ? g.call(HvGuest.control(0x13, true, varCnt, 0, 0), 0, 0) : -1;
            } else {
                long[] in = new long[3 + varCnt];
                in[0] = 0x30;
                in[1] = 0; // HV_GENERIC_SET_SPARSE_4K
                System.arraycopy(s, 0, in, 2, s.length);
                g.words(0x4000, in);
                ipi = g.call(HvGuest.control(0x15, false, varCnt, 0, 0), 0x4000, 0);
                long[] fin = new long[4 + varCnt];
                fin[2] = 0;
                System.arraycopy(s, 0, fin, 3, s.length);
                g.words(0x6000, fin);
                flush = g.call(HvGuest.control(0x13, false, varCnt, 0, 0), 0x6000, 0);
            }
            assertEquals(0, ipi);
            for (int v = 0; v < 6; v++) {
                boolean in = want.contains(assign.get(v));
                assertEquals(in && varCnt > 0 ? 1 : 0, g.m.interrupts(v).getOrDefault(0x30, 0), "IPI to vCPU " + v);
                if (flush >= 0) {
                    assertEquals(0, flush);
                    assertEquals(in ? 1 : 0, g.hv().tlbFlushRequests(v), "flush of vCPU " + v);
                }
            }
        });
    }
}
