package dev.hcsim.arch.mips;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.VmSnapshot;
import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.KvmVcpuLimits;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-VM part of MIPS: the HYPCALL gate as arch/mips/kvm/vz.c handles a guest exit with
 * GExcCode = HC ({@code kvm_trap_vz_handle_guest_exit}, {@code kvm_trap_vz_handle_hc}), the
 * per-vCPU {@code vz_hc_exits} counter, the guest EBase at reset, and the console sink of the
 * {@code paravirt-guest} option. MIPS has no shared-memory structure (no steal time, no preempted
 * flag), so the scheduler hooks do nothing.
 *
 * <p>An emulator embedding the library calls {@link dev.hcsim.core.Vm#trap} at a HYPCALL with the PC at the
 * exception PC and the control register {@code bd} set to Cause.BD: 0 with the PC on the HYPCALL,
 * or 1 with the PC on the branch whose delay slot holds it. It may pass both words (branch, then
 * HYPCALL: BadInstrP, BadInstr); otherwise the delay slot is read from guest memory at PC + 4.
 * <pre>{@code
 * regs.set(MipsRegisters.BD, inDelaySlot ? 1 : 0);
 * TrapResult r = vm.trap(vcpu, regs, memory, control);
 * // RESUME: v0 and the PC are written; EXIT_TO_HOST (KVM_EXIT_INTERNAL_ERROR): nothing was
 * // written and the PC still points at the trapping instruction.
 * }</pre>
 */
public final class MipsVm implements ArchitectureVm {
    /** KVM_MAX_VCPUS = 16 (arch/mips/include/asm/kvm_host.h); KVM_MAX_VCPU_IDS defaults to it. */
    static final KvmVcpuLimits LIMITS = new KvmVcpuLimits(16, "KVM_MAX_VCPUS", 16, "KVM_MAX_VCPU_IDS = KVM_MAX_VCPUS");

    /**
     * What KVM exits with on an emulation failure (vz.c kvm_trap_vz_handle_guest_exit: exit_reason =
     * KVM_EXIT_INTERNAL_ERROR, RESUME_HOST). MIPS sets neither internal.suberror nor ndata: both read 0.
     */
    static final Exit.InternalError EMULATION_FAILED = new Exit.InternalError(0);
    /** Re-entering after an internal error runs the same instruction again: KVM leaves PC and v0 alone. */
    private static final Trap.ExitCompletion REENTER_AT_PC = (t, hostReturn) -> t.resumeAt(t.pc());

    /** Receives what a paravirtual guest writes with KVM_HC_MIPS_CONSOLE_OUTPUT. */
    @FunctionalInterface
    public interface ConsoleSink {
        /**
         * Called once per KVM_HC_MIPS_CONSOLE_OUTPUT with the bytes the guest wrote.
         * @param vcpu the writing vCPU's index
         * @param port the console port number from a0
         * @param bytes the bytes read from guest memory, a fresh array the sink may keep
         */
        void write(int vcpu, long port, byte[] bytes);
    }

    private final VmContext vm;
    private final boolean paravirt;
    private final boolean badInstr;
    private final boolean badInstrP;
    private final boolean narrow;
    private final boolean bigEndian;
    private final long[] hcExits;
    private final byte[][] scratch;
    private final long[][] nextPc;
    private final Map<Long, ByteArrayOutputStream> console = new TreeMap<>();
    private volatile ConsoleSink sink;

    MipsVm(VmContext vm) {
        this.vm = vm;
        LIMITS.check(vm);
        this.paravirt = MipsArchitecture.on(vm.option(MipsArchitecture.OPTION_PARAVIRT));
        this.badInstr = vm.feature(MipsArchitecture.FEATURE_BADINSTR);
        this.badInstrP = vm.feature(MipsArchitecture.FEATURE_BADINSTRP);
        this.narrow = "32".equals(vm.option(MipsArchitecture.OPTION_HOST_WIDTH));
        this.bigEndian = vm.byteOrder() == ByteOrder.BIG_ENDIAN;
        this.hcExits = new long[vm.vcpuCount()];
        this.scratch = new byte[vm.vcpuCount()][4];
        this.nextPc = new long[vm.vcpuCount()][1];
    }

    /**
     * Every MIPS number in the table is a paravirtual-guest number (6..8): KVM implements none
     * (hypcall.c), so only the {@code paravirt-guest} option offers them.
     */
    @Override
    public boolean offers(HypercallSpec call) {
        return paravirt;
    }

    /** EBase = {@code (s32)0x80000000 | vcpu_id} (arch/mips/kvm/vz.c kvm_vz_vcpu_setup); Cause.BD clear. */
    @Override
    public void resetVcpu(int vcpu, RegisterAccess regs) {
        regs.set(MipsRegisters.EBASE, (long) (int) (0x8000_0000L | vm.vcpuId(vcpu)));
        regs.set(MipsRegisters.BD, 0);
    }

    /** True when {@code w} is a HYPCALL as the hardware raises the HC guest exit: COP0, CO = 1, func 0x28. */
    static boolean isHypcall(int w) {
        return (w & 0xFE00_003F) == MipsCodec.HYPCALL;
    }

    private static boolean isSyscall(int w) {
        return (w & 0xFC00_003F) == 0x0000_000C;
    }

    /**
     * The gate's decoded form ({@link Trap#decoded()}) of a HYPCALL with a zero code field outside a delay slot, the
     * common call: decoded once per call site. A HYPCALL in a delay slot is read with its branch at each trap.
     */
    private static final Object PLAIN_HYPCALL = new Object();

    @Override
    public void trap(Trap t) {
        int vcpu = t.vcpu();
        RegisterAccess regs = t.registers();
        long pc = t.pc();
        boolean bd = regs.get(MipsRegisters.BD) != 0;
        if (t.fetchedLength() < 4) {
            // [derived] nothing readable at EPC: the fetch takes a bus error (IBE), EPC and Cause.BD as they stand
            t.fault(new Fault.Mips(Fault.Mips.IBE, pc, bd, 0), "instruction fetch outside guest memory");
            return;
        }
        int branch = 0;
        int word;
        if (bd) {
            // EPC is the branch; the HYPCALL is the delay slot after it.
            branch = (int) t.insnWord(4);
            if (t.fetchedLength() >= 8) {
                word = (t.insnByte(4) << 24 | t.insnByte(5) << 16 | t.insnByte(6) << 8 | t.insnByte(7));
                if (!bigEndian) {
                    word = Integer.reverseBytes(word);
                }
            } else {
                MemoryAccess mem = t.memory();
                if (!mem.readable(pc + 4, 4)) {
                    t.fault(new Fault.Mips(Fault.Mips.IBE, pc, true, 0), "the delay slot after the branch is outside guest memory");
                    return;
                }
                word = (int) mem.read32(pc + 4);
            }
        } else if (t.decoded() == PLAIN_HYPCALL) {
            word = MipsCodec.HYPCALL; // the same word: HYPCALL with a zero code field
        } else {
            word = (int) t.insnWord(4);
            if (isHypcall(word) && ((word >>> 11) & 0x3FF) == 0) {
                t.decoded(PLAIN_HYPCALL);
            }
        }
        if (!isHypcall(word)) {
            if (isSyscall(word)) {
                // the guest kernel's own system call: ExcCode Sys, EPC the syscall (or its branch), Cause.BD
                t.notAHypercall(new Fault.Mips(Fault.Mips.SYS, pc, bd, 0), "syscall (the guest kernel's own system call)");
            } else {
                t.notAHypercall(null, "not HYPCALL: the hardware raises no HC guest exit");
            }
            return;
        }
        if (bd) {
            byte[] b = scratch[vcpu];
            Bytes.put(b, 0, 4, word, bigEndian);
            t.instructionBytes(b, 0, 4); // what KVM sees in BadInstr
        }
        t.narrow(narrow);
        hcExits[vcpu]++; // ++vcpu->stat.vz_hc_exits, failing exits included
        if (!badInstr) {
            internalError(t); // kvm_get_badinstr: "CPU doesn't have BadInstr register"
            return;
        }
        if (bd) {
            if (!badInstrP) {
                internalError(t);
                return;
            }
            if (!computeReturnEpc(regs, pc, branch, nextPc[vcpu], narrow)) {
                internalError(t);
                return;
            }
        }
        // kvm_mips_emul_hypcall: (co_format.code >> 5) & 0x3ff is bits 20..11.
        if (((word >>> 11) & 0x3FF) != 0) {
            internalError(t); // PC restored to the saved value; a link register written above stays written
            return;
        }
        if (bd) {
            long next = nextPc[vcpu][0];
            t.resumeAt(narrow ? next & 0xFFFF_FFFFL : next);
        }
        t.dispatch();
    }

    private static void internalError(Trap t) {
        t.exitToHost(EMULATION_FAILED, REENTER_AT_PC);
    }

    /**
     * The PC after the branch at {@code pc} whose delay slot trapped, as arch/mips/kvm/emulate.c
     * {@code kvm_compute_return_epc} computes it on a pre-R6 CPU, including the link register of
     * linking branches. Returns false where the kernel returns -EINVAL: an unaligned PC, COP1
     * branches, DSP branches without the DSP ASE, compact branches (not before R6) and non-branches.
     * The next PC goes to {@code out[0]}. The kernel's GPRs are {@code unsigned long} compared as {@code long}: on a
     * 32-bit host ({@code host32}) the comparisons see the low 32 bits as a signed value and a link register holds a
     * 32-bit value.
     */
    static boolean computeReturnEpc(RegisterAccess regs, long pc, int insn, long[] out, boolean host32) {
        if ((pc & 3) != 0) {
            return false;
        }
        long link = host32 ? (pc + 8) & 0xFFFF_FFFFL : pc + 8;
        int op = insn >>> 26;
        int rs = (insn >>> 21) & 31;
        int rt = (insn >>> 16) & 31;
        long target = pc + 4 + ((long) (short) insn << 2);
        switch (op) {
            case 0x00 -> { // SPECIAL: jr, jalr
                int func = insn & 0x3F;
                if (func == 0x09) { // jalr: gprs[rd] = pc + 8 first, then the target from gprs[rs] (falls through to jr)
                    int rd = (insn >>> 11) & 31;
                    // The kernel writes gprs[rd] with no rd != 0 check and then reads gprs[rs]: with rd == rs (jalr
                    // $zero,$zero included) the target is the link address. The guest's $zero stays zero (r0 is
                    // hardwired in the register layout, which drops the write; only KVM's saved gprs[0] would hold the
                    // value, which no guest reads).
                    long jump = rd == rs ? link : gpr(regs, rs, host32);
                    regs.set(rd, link);
                    out[0] = jump;
                    return true;
                }
                if (func == 0x08) { // jr
                    out[0] = gpr(regs, rs, host32);
                    return true;
                }
                return false;
            }
            case 0x01 -> { // REGIMM
                long v = gpr(regs, rs, host32);
                switch (rt) {
                    case 0x00, 0x02 -> { // bltz, bltzl
                        out[0] = v < 0 ? target : pc + 8;
                        return true;
                    }
                    case 0x01, 0x03 -> { // bgez, bgezl
                        out[0] = v >= 0 ? target : pc + 8;
                        return true;
                    }
                    case 0x10, 0x12 -> { // bltzal, bltzall
                        regs.set(MipsRegisters.RA, link);
                        out[0] = v < 0 ? target : pc + 8;
                        return true;
                    }
                    case 0x11, 0x13 -> { // bgezal, bgezall
                        regs.set(MipsRegisters.RA, link);
                        out[0] = v >= 0 ? target : pc + 8;
                        return true;
                    }
                    default -> {
                        return false; // bposge32 without the DSP ASE, and everything else
                    }
                }
            }
            case 0x02, 0x03 -> { // j, jal
                if (op == 0x03) {
                    regs.set(MipsRegisters.RA, link);
                }
                out[0] = ((pc + 4) & ~0x0FFF_FFFFL) | ((long) (insn & 0x03FF_FFFF) << 2);
                return true;
            }
            case 0x04, 0x14 -> { // beq, beql
                out[0] = gpr(regs, rs, host32) == gpr(regs, rt, host32) ? target : pc + 8;
                return true;
            }
            case 0x05, 0x15 -> { // bne, bnel
                out[0] = gpr(regs, rs, host32) != gpr(regs, rt, host32) ? target : pc + 8;
                return true;
            }
            case 0x06, 0x16 -> { // blez, blezl (rt != 0 is a compact branch: not before R6)
                if (rt != 0) {
                    return false;
                }
                out[0] = gpr(regs, rs, host32) <= 0 ? target : pc + 8;
                return true;
            }
            case 0x07, 0x17 -> { // bgtz, bgtzl
                if (rt != 0) {
                    return false;
                }
                out[0] = gpr(regs, rs, host32) > 0 ? target : pc + 8;
                return true;
            }
            default -> {
                return false; // cop1 branches ("unsupported cop1_op") and non-branches
            }
        }
    }

    /** GPR {@code i} as the kernel's {@code (long)} of an {@code unsigned long}: the low word sign-extended on a 32-bit host. */
    private static long gpr(RegisterAccess regs, int i, boolean host32) {
        long v = regs.get(i);
        return host32 ? (long) (int) v : v;
    }

    // ---------------------------------------------------------------- state an embedder reads

    /**
     * How many HC guest exits vCPU {@code vcpu} took ({@code vz_hc_exits}, failing ones included).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the exit count since the VM was created
     */
    public long hcExits(int vcpu) {
        return hcExits[vcpu];
    }

    /**
     * True when the VM runs with the {@code paravirt-guest} option.
     * @return whether the guest is a paravirtual (CONFIG_KVM_GUEST) kernel
     */
    public boolean paravirtGuest() {
        return paravirt;
    }

    /**
     * Installs (or with null removes) a sink for console output of the paravirtual guest.
     * @param s the sink to call on each console write, or null for none
     */
    public void consoleSink(ConsoleSink s) {
        sink = s;
    }

    /**
     * Everything written to console {@code port} so far, as ISO-8859-1 text.
     * @param port the console port number the guest passed in a0
     * @return the text written to that port, empty when nothing was
     */
    public synchronized String consoleOutput(long port) {
        ByteArrayOutputStream b = console.get(port);
        return b == null ? "" : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public synchronized void save(VmSnapshot.State.Builder v, List<VmSnapshot.State.Builder> cpus) {
        long[] ports = console.keySet().stream().mapToLong(Long::longValue).toArray();
        v.put("consolePorts", ports);
        for (int i = 0; i < ports.length; i++) {
            v.putBytes("console." + i, console.get(ports[i]).toByteArray());
        }
        for (int i = 0; i < cpus.size(); i++) {
            cpus.get(i).put("vzHcExits", hcExits[i]);
        }
    }

    @Override
    public synchronized void restore(VmSnapshot.State v, List<VmSnapshot.State> cpus) {
        console.clear();
        long[] ports = v.nums("consolePorts");
        for (int i = 0; i < ports.length; i++) {
            byte[] b = v.bytes("console." + i);
            if (b == null) {
                throw new IllegalArgumentException("snapshot has no field 'console." + i + "' for console port " + ports[i]);
            }
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.write(b, 0, b.length);
            console.put(ports[i], o);
        }
        for (int i = 0; i < cpus.size(); i++) {
            hcExits[i] = cpus.get(i).num("vzHcExits");
        }
    }

    /** Records console output (KVM_HC_MIPS_CONSOLE_OUTPUT with paravirt-guest). */
    void console(int vcpu, long port, byte[] bytes) {
        synchronized (this) {
            console.computeIfAbsent(port, p -> new ByteArrayOutputStream()).write(bytes, 0, bytes.length);
        }
        ConsoleSink s = sink;
        if (s != null) {
            s.write(vcpu, port, bytes);
        }
    }
}
