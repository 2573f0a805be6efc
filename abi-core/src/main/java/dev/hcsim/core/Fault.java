package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * An exception for the embedder to inject into the guest ({@link Outcome#FAULT}) or one the
 * architecture already delivered ({@link Outcome#INTERRUPTED}, {@link Outcome#NOT_A_HYPERCALL} where the
 * guest's own handler runs): one record per architecture, in the architecture's own terms, so that an
 * emulator can raise it without parsing text. {@code toString()} is the short readable form the CLI
 * prints ({@code #GP(0)}, {@code #PF(0x2) at 0x1000}).
 */
@API(status = STABLE, since = "1.0")
public sealed interface Fault {
    /**
     * The PC the exception is taken from: the address the architecture saves as the return address
     * of the exception (x86 RIP, arm64 ELR, s390 the program old PSW's address, PowerPC SRR0, MIPS EPC,
     * LoongArch ERA, RISC-V sepc).
     * @return a guest virtual address
     */
    long pc();

    /**
     * The fault's kind: the architecture's exception and its cause, without what differs from one
     * occurrence to the next (addresses, PC, error-code bits). {@code hcsim explain} lists every kind an
     * architecture can produce ({@link TrapContract#produces()}); equal kinds compare equal.
     * @return for example {@code #GP}, {@code Unknown/Uncategorized (EC 0x00)}, {@code operation exception (code 0x0001)}
     */
    String kind();

    /**
     * An x86 exception, as KVM queues it with {@code kvm_queue_exception}/{@code kvm_queue_exception_e}
     * ({@code arch/x86/kvm/x86.c}) and {@code kvm_inject_page_fault} for #PF.
     * @param vector the exception vector, 0 to 31 ({@link #UD} 6, {@link #GP} 13, {@link #PF} 14, ...)
     * @param hasErrorCode whether the exception pushes an error code
     * @param errorCode the error code (0 when there is none)
     * @param address CR2 for a #PF (the faulting linear address), otherwise 0
     * @param pc RIP of the instruction the exception is taken from
     */
    record X86(int vector, boolean hasErrorCode, int errorCode, long address, long pc) implements Fault {
        /** {@code DE_VECTOR}: divide error. */
        public static final int DE = 0;
        /** {@code DB_VECTOR}: debug exception (a single step, say). */
        public static final int DB = 1;
        /** {@code BP_VECTOR}: breakpoint (INT3). */
        public static final int BP = 3;
        /** {@code UD_VECTOR}: invalid opcode. */
        public static final int UD = 6;
        /** {@code GP_VECTOR}: general protection. */
        public static final int GP = 13;
        /** {@code PF_VECTOR}: page fault; {@code address} is CR2. */
        public static final int PF = 14;
        /** {@code PFERR_PRESENT_MASK}: the page was present (a protection violation). */
        public static final int PFERR_PRESENT = 1;
        /** {@code PFERR_WRITE_MASK}: the access was a write. */
        public static final int PFERR_WRITE = 1 << 1;
        /** {@code PFERR_USER_MASK}: the access came from CPL 3. */
        public static final int PFERR_USER = 1 << 2;
        /** {@code PFERR_FETCH_MASK}: the access was an instruction fetch. */
        public static final int PFERR_FETCH = 1 << 4;

        private static final String[] MNEMONICS = {"DE", "DB", "NMI", "BP", "OF", "BR", "UD", "NM", "DF", "CSO", "TS", "NP", "SS", "GP",
            "PF", "15", "MF", "AC", "MC", "XM", "VE", "CP"};

        /**
         * Checks the vector and that only an exception with an error code has one.
         * @param vector 0 to 31
         * @param hasErrorCode whether there is an error code
         * @param errorCode 0 unless {@code hasErrorCode}
         * @param address CR2 for #PF
         * @param pc the RIP
         */
        public X86 {
            if (vector < 0 || vector > 31) {
                throw new IllegalArgumentException("an x86 exception vector is 0 to 31, not " + vector);
            }
            if (!hasErrorCode && errorCode != 0) {
                throw new IllegalArgumentException("#" + mnemonic(vector) + " without an error code has error code " + errorCode);
            }
        }

        /**
         * #UD at {@code pc}.
         * @param pc the RIP
         * @return the fault
         */
        public static X86 ud(long pc) {
            return new X86(UD, false, 0, 0, pc);
        }

        /**
         * #GP({@code errorCode}) at {@code pc}.
         * @param errorCode the error code (0 for most causes)
         * @param pc the RIP
         * @return the fault
         */
        public static X86 gp(int errorCode, long pc) {
            return new X86(GP, true, errorCode, 0, pc);
        }

        /**
         * #PF({@code errorCode}) with CR2 = {@code address} at {@code pc}.
         * @param errorCode {@code PFERR_*} bits
         * @param address the faulting linear address (CR2)
         * @param pc the RIP
         * @return the fault
         */
        public static X86 pf(int errorCode, long address, long pc) {
            return new X86(PF, true, errorCode, address, pc);
        }

        /**
         * #DB at {@code pc} (a single-step trap: {@code pc} is the next instruction).
         * @param pc the RIP
         * @return the fault
         */
        public static X86 db(long pc) {
            return new X86(DB, false, 0, 0, pc);
        }

        private static String mnemonic(int vector) {
            return vector < MNEMONICS.length ? MNEMONICS[vector] : Integer.toString(vector);
        }

        /** {@code #UD}, {@code #GP}, {@code #PF}: the vector's mnemonic. */
        @Override
        public String kind() {
            return "#" + mnemonic(vector);
        }

        /** {@code #UD}, {@code #GP(0)}, {@code #PF(0x2) at 0x1000} (the address is CR2). */
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("#").append(mnemonic(vector));
            if (hasErrorCode) {
                b.append('(').append(errorCode == 0 ? "0" : "0x" + Integer.toHexString(errorCode)).append(')');
            }
            if (vector == PF) {
                b.append(" at 0x").append(Long.toHexString(address));
            }
            return b.toString();
        }
    }

    /**
     * An arm64 synchronous exception, as KVM injects it ({@code arch/arm64/kvm/inject_fault.c},
     * {@code inject_undef64}): ESR_ELx's exception class and ISS, taken to {@code targetEl}.
     * @param exceptionClass ESR_ELx.EC, 6 bits ({@link #EC_UNKNOWN} for an undefined instruction)
     * @param iss ESR_ELx.ISS, 25 bits
     * @param targetEl the exception level that takes it, 1 to 3
     * @param pc the address of the instruction (ELR_ELx)
     */
    record Arm64(int exceptionClass, long iss, int targetEl, long pc) implements Fault {
        /** {@code ESR_ELx_EC_UNKNOWN}: unknown reason, which an UNDEFINED instruction gives. */
        public static final int EC_UNKNOWN = 0x00;
        /** {@code ESR_ELx_EC_ILL}: illegal execution state. */
        public static final int EC_ILL = 0x0E;
        /** {@code ESR_ELx_EC_SVC64}: SVC from AArch64. */
        public static final int EC_SVC64 = 0x15;
        /** {@code ESR_ELx_EC_HVC64}: HVC from AArch64. */
        public static final int EC_HVC64 = 0x16;
        /** {@code ESR_ELx_EC_SMC64}: SMC from AArch64. */
        public static final int EC_SMC64 = 0x17;
        /** {@code ESR_ELx_EC_SYS64}: a trapped MSR, MRS or system instruction. */
        public static final int EC_SYS64 = 0x18;
        /** {@code ESR_ELx_EC_IABT_LOW}: instruction abort from a lower level (EL0). */
        public static final int EC_IABT_LOW = 0x20;
        /** {@code ESR_ELx_EC_IABT_CUR}: instruction abort at the same level. */
        public static final int EC_IABT_CUR = 0x21;
        /** {@code ESR_ELx_EC_DABT_CUR}: data abort at the same level. */
        public static final int EC_DABT_CUR = 0x25;
        /** {@code ESR_ELx_EC_BRK64}: BRK from AArch64. */
        public static final int EC_BRK64 = 0x3C;
        /** {@code ESR_ELx_FSC_EXTABT}: the ISS fault status of a synchronous external abort (an abort's FAR is the address). */
        public static final long FSC_EXTABT = 0x10;

        /**
         * Checks the field widths.
         * @param exceptionClass 6 bits
         * @param iss 25 bits
         * @param targetEl 1 to 3
         * @param pc the ELR
         */
        public Arm64 {
            if (exceptionClass < 0 || exceptionClass > 0x3F) {
                throw new IllegalArgumentException("ESR_ELx.EC is 6 bits, not 0x" + Integer.toHexString(exceptionClass));
            }
            if (iss < 0 || iss >>> 25 != 0) {
                throw new IllegalArgumentException("ESR_ELx.ISS is 25 bits, not 0x" + Long.toHexString(iss));
            }
            if (targetEl < 1 || targetEl > 3) {
                throw new IllegalArgumentException("an exception is taken to EL1, EL2 or EL3, not EL" + targetEl);
            }
        }

        /**
         * An UNDEFINED instruction at {@code pc}, taken to EL1 ({@code inject_undef64}).
         * @param pc the instruction's address
         * @return the fault
         */
        public static Arm64 undefined(long pc) {
            return new Arm64(EC_UNKNOWN, 0, 1, pc);
        }

        /**
         * The whole ESR_ELx value: EC, IL = 1 (every trapping instruction hcsim decodes is a 32-bit
         * A64 instruction; {@code ESR_ELx_IL}) and ISS.
         * @return the syndrome register's value
         */
        public long esr() {
            return ((long) exceptionClass << 26) | (1L << 25) | iss;
        }

        /** {@code Unknown/Uncategorized (EC 0x00)}: the exception class with the kernel's name. */
        @Override
        public String kind() {
            return String.format(Locale.ROOT, "%s (EC 0x%02x)", className(exceptionClass), exceptionClass);
        }

        /** {@code Unknown/Uncategorized (EC 0x00, ISS 0x0) to EL1}, with the kernel's {@code esr_class_str} names. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s (EC 0x%02x, ISS 0x%x) to EL%d", className(exceptionClass), exceptionClass, iss, targetEl);
        }

        private static String className(int ec) {
            return switch (ec) {
                case EC_UNKNOWN -> "Unknown/Uncategorized";
                case EC_ILL -> "PSTATE.IL";
                case EC_SVC64 -> "SVC (AArch64)";
                case EC_HVC64 -> "HVC (AArch64)";
                case EC_SMC64 -> "SMC (AArch64)";
                case EC_SYS64 -> "MSR/MRS (AArch64)";
                case EC_IABT_LOW -> "IABT (lower EL)";
                case EC_IABT_CUR -> "IABT (current EL)";
                case EC_DABT_CUR -> "DABT (current EL)";
                case EC_BRK64 -> "BRK (AArch64)";
                default -> "EC 0x" + Integer.toHexString(ec);
            };
        }
    }

    /**
     * An s390 program interruption, as KVM injects it ({@code arch/s390/kvm/interrupt.c __deliver_prog}):
     * the program-interruption code and the instruction-length code stored in the lowcore.
     * @param interruptionCode the program-interruption code, 16 bits ({@link #OPERATION} 0x0001, {@link #SPECIFICATION} 0x0006, ...)
     * @param ilc the instruction-length code, 0 to 3 (the instruction's length in halfwords; 0 when not given)
     * @param pc the address in the program old PSW (for a suppressing or completing exception the
     *           next instruction; for a nullifying one the instruction itself)
     */
    record S390(int interruptionCode, int ilc, long pc) implements Fault {
        /** {@code PGM_OPERATION}: operation exception. */
        public static final int OPERATION = 0x01;
        /** {@code PGM_PRIVILEGED_OP}: privileged-operation exception. */
        public static final int PRIVILEGED_OP = 0x02;
        /** {@code PGM_EXECUTE}: execute exception. */
        public static final int EXECUTE = 0x03;
        /** {@code PGM_PROTECTION}: protection exception. */
        public static final int PROTECTION = 0x04;
        /** {@code PGM_ADDRESSING}: addressing exception. */
        public static final int ADDRESSING = 0x05;
        /** {@code PGM_SPECIFICATION}: specification exception. */
        public static final int SPECIFICATION = 0x06;

        /**
         * Checks the field widths.
         * @param interruptionCode 16 bits
         * @param ilc 0 to 3
         * @param pc the old PSW's address
         */
        public S390 {
            if (interruptionCode < 0 || interruptionCode > 0xFFFF) {
                throw new IllegalArgumentException("a program-interruption code is 16 bits, not 0x" + Integer.toHexString(interruptionCode));
            }
            if (ilc < 0 || ilc > 3) {
                throw new IllegalArgumentException("an instruction-length code is 0 to 3, not " + ilc);
            }
        }

        /**
         * The length of the instruction in bytes, as the ILC gives it.
         * @return 0, 2, 4 or 6
         */
        public int instructionLength() {
            return ilc * 2;
        }

        /** {@code operation exception (code 0x0001)}: the program-interruption code. */
        @Override
        public String kind() {
            return String.format(Locale.ROOT, "%s (code 0x%04x)", name(interruptionCode), interruptionCode);
        }

        /** {@code operation exception (code 0x0001, ILC 2)}. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s (code 0x%04x, ILC %d)", name(interruptionCode), interruptionCode, ilc);
        }

        private static String name(int code) {
            return switch (code & 0x7F) {
                case OPERATION -> "operation exception";
                case PRIVILEGED_OP -> "privileged-operation exception";
                case EXECUTE -> "execute exception";
                case PROTECTION -> "protection exception";
                case ADDRESSING -> "addressing exception";
                case SPECIFICATION -> "specification exception";
                default -> "program interruption";
            };
        }
    }

    /**
     * A PowerPC interrupt ({@code arch/powerpc/kvm/book3s.c kvmppc_core_queue_program},
     * {@code booke.c}): the interrupt's Book3S vector offset and what the interrupt saves. On BookE the
     * reason of a program interrupt is in ESR, SRR1 holds the MSR, and the vector maps to an IVOR
     * (0x700 is IVOR6, 0xC00 is IVOR8).
     * @param vector the Book3S vector offset ({@link #PROGRAM} 0x700, {@link #SYSTEM_CALL} 0xC00)
     * @param srr0 SRR0: the instruction (program interrupt) or the one after it (system call)
     * @param srr1 SRR1: the saved MSR bits, with the {@code SRR1_PROG*} reason on Book3S
     * @param esr BookE's ESR ({@code ESR_PIL}, {@code ESR_PPR}, ...); 0 on Book3S
     */
    record Ppc(int vector, long srr0, long srr1, long esr) implements Fault {
        /** {@code BOOK3S_INTERRUPT_PROGRAM}: program interrupt. */
        public static final int PROGRAM = 0x700;
        /** {@code BOOK3S_INTERRUPT_SYSCALL}: system call interrupt. */
        public static final int SYSTEM_CALL = 0xC00;
        /** {@code SRR1_PROGILL}: illegal instruction. */
        public static final long SRR1_PROGILL = 0x0008_0000L;
        /** {@code SRR1_PROGPRIV}: privileged instruction. */
        public static final long SRR1_PROGPRIV = 0x0004_0000L;
        /** {@code SRR1_PROGTRAP}: trap instruction. */
        public static final long SRR1_PROGTRAP = 0x0002_0000L;
        /** {@code ESR_PIL}: BookE illegal instruction. */
        public static final long ESR_PIL = 0x0800_0000L;
        /** {@code ESR_PPR}: BookE privileged instruction. */
        public static final long ESR_PPR = 0x0400_0000L;
        /** {@code ESR_PTR}: BookE trap instruction. */
        public static final long ESR_PTR = 0x0200_0000L;

        /**
         * Checks the vector.
         * @param vector a vector offset, 0 to 0x1FFF
         * @param srr0 SRR0
         * @param srr1 SRR1
         * @param esr ESR
         */
        public Ppc {
            if (vector < 0 || vector > 0x1FFF) {
                throw new IllegalArgumentException("a PowerPC vector offset is 0 to 0x1fff, not 0x" + Integer.toHexString(vector));
            }
        }

        /**
         * SRR0, the address the interrupt returns to.
         * @return {@link #srr0()}
         */
        @Override
        public long pc() {
            return srr0;
        }

        /** {@code program interrupt 0x700 (privileged), SRR1 0x...}. */
        /**
         * {@code program interrupt 0x700 (privileged instruction)}: the vector, and for a program interrupt its
         * reason (SRR1 on Book3S, ESR on BookE).
         */
        @Override
        public String kind() {
            String name = vector == PROGRAM ? "program interrupt" : vector == SYSTEM_CALL ? "system call interrupt" : "interrupt";
            StringBuilder b = new StringBuilder(name).append(" 0x").append(Integer.toHexString(vector));
            // BookE keeps the reason in ESR and the MSR in SRR1 (whose bits then mean nothing here); Book3S the reason in SRR1.
            long ill = esr != 0 ? esr & ESR_PIL : srr1 & SRR1_PROGILL;
            long priv = esr != 0 ? esr & ESR_PPR : srr1 & SRR1_PROGPRIV;
            long trap = esr != 0 ? esr & ESR_PTR : srr1 & SRR1_PROGTRAP;
            String why = vector != PROGRAM ? null : ill != 0 ? "illegal instruction" : priv != 0 ? "privileged instruction"
                    : trap != 0 ? "trap" : null;
            if (why != null) {
                b.append(" (").append(why).append(')');
            }
            return b.toString();
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(kind());
            b.append(", SRR1 0x").append(Long.toHexString(srr1));
            if (esr != 0) {
                b.append(", ESR 0x").append(Long.toHexString(esr));
            }
            return b.toString();
        }
    }

    /**
     * A MIPS exception ({@code arch/mips/kvm/emulate.c kvm_mips_emulate_exc} and friends): Cause.ExcCode,
     * EPC, Cause.BD and BadVAddr.
     * @param excCode Cause.ExcCode, 5 bits ({@link #RI} 10, {@link #ADEL} 4, ...)
     * @param epc EPC: the instruction, or the branch before it when it sits in a delay slot
     * @param branchDelay Cause.BD: the instruction is in a branch delay slot
     * @param badVAddr BadVAddr for an address error or TLB exception, otherwise 0
     */
    record Mips(int excCode, long epc, boolean branchDelay, long badVAddr) implements Fault {
        /** {@code EXCCODE_ADEL}: address error on a load or fetch. */
        public static final int ADEL = 4;
        /** {@code EXCCODE_ADES}: address error on a store. */
        public static final int ADES = 5;
        /** {@code EXCCODE_IBE}: bus error on an instruction fetch. */
        public static final int IBE = 6;
        /** {@code EXCCODE_SYS}: system call. */
        public static final int SYS = 8;
        /** {@code EXCCODE_BP}: breakpoint. */
        public static final int BP = 9;
        /** {@code EXCCODE_RI}: reserved instruction. */
        public static final int RI = 10;
        /** {@code EXCCODE_CPU}: coprocessor unusable. */
        public static final int CPU = 11;
        /** {@code EXCCODE_GE}: guest exit (VZ). */
        public static final int GE = 27;

        private static final String[] NAMES = {"Int", "Mod", "TLBL", "TLBS", "AdEL", "AdES", "IBE", "DBE", "Sys", "Bp", "RI", "CpU", "Ov",
            "Tr", "MSAFPE", "FPE"};

        /**
         * Checks the ExcCode.
         * @param excCode 5 bits
         * @param epc EPC
         * @param branchDelay Cause.BD
         * @param badVAddr BadVAddr
         */
        public Mips {
            if (excCode < 0 || excCode > 31) {
                throw new IllegalArgumentException("Cause.ExcCode is 5 bits, not " + excCode);
            }
        }

        /**
         * EPC.
         * @return {@link #epc()}
         */
        @Override
        public long pc() {
            return epc;
        }

        /** {@code RI (ExcCode 10)}: Cause.ExcCode. */
        @Override
        public String kind() {
            return (excCode < NAMES.length ? NAMES[excCode] : excCode == GE ? "GE" : "exception") + " (ExcCode " + excCode + ")";
        }

        /** {@code RI (ExcCode 10)}, with BadVAddr for an address error, and the delay slot when Cause.BD is set. */
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(excCode < NAMES.length ? NAMES[excCode] : excCode == GE ? "GE" : "exception")
                    .append(" (ExcCode ").append(excCode).append(')');
            if (excCode >= 1 && excCode <= 5) {
                b.append(", BadVAddr 0x").append(Long.toHexString(badVAddr));
            }
            if (branchDelay) {
                b.append(", in a branch delay slot");
            }
            return b.toString();
        }
    }

    /**
     * A LoongArch exception ({@code arch/loongarch/kvm/exit.c kvm_queue_exception}): ESTAT.Ecode and
     * EsubCode, ERA and BADV.
     * @param ecode ESTAT.Ecode, 6 bits ({@link #INE} 0xd, ...)
     * @param esubcode ESTAT.EsubCode, 9 bits
     * @param era ERA: the instruction's address
     * @param badv BADV for an address error, otherwise 0
     */
    record LoongArch(int ecode, int esubcode, long era, long badv) implements Fault {
        /** {@code EXCCODE_ADE}: address error (ADEF, ADEM by EsubCode). */
        public static final int ADE = 0x8;
        /** {@code EXSUBCODE_ADEF}: the EsubCode of an address error on an instruction fetch. */
        public static final int ADEF = 0;
        /** {@code EXCCODE_ALE}: unaligned access. */
        public static final int ALE = 0x9;
        /** {@code EXCCODE_SYS}: system call. */
        public static final int SYS = 0xB;
        /** {@code EXCCODE_BP}: breakpoint (BRK). */
        public static final int BP = 0xC;
        /** {@code EXCCODE_INE}: instruction not exist. */
        public static final int INE = 0xD;
        /** {@code EXCCODE_IPE}: instruction privilege error. */
        public static final int IPE = 0xE;
        /** {@code EXCCODE_GSPR}: guest sensitive privileged resource. */
        public static final int GSPR = 0x16;
        /** {@code EXCCODE_HVC}: hypervisor call. */
        public static final int HVC = 0x17;

        private static final String[] NAMES = {"INT", "PIL", "PIS", "PIF", "PME", "PNR", "PNX", "PPI", "ADE", "ALE", "BCE", "SYS", "BRK",
            "INE", "IPE", "FPD", "SXD", "ASXD", "FPE", "WPE", "BTD", "BTE", "GSPR", "HVC", "GCM"};

        /**
         * Checks the field widths.
         * @param ecode 6 bits
         * @param esubcode 9 bits
         * @param era ERA
         * @param badv BADV
         */
        public LoongArch {
            if (ecode < 0 || ecode > 0x3F) {
                throw new IllegalArgumentException("ESTAT.Ecode is 6 bits, not 0x" + Integer.toHexString(ecode));
            }
            if (esubcode < 0 || esubcode > 0x1FF) {
                throw new IllegalArgumentException("ESTAT.EsubCode is 9 bits, not 0x" + Integer.toHexString(esubcode));
            }
        }

        /**
         * ERA.
         * @return {@link #era()}
         */
        @Override
        public long pc() {
            return era;
        }

        /** {@code INE (Ecode 0xd)}, {@code ADE (Ecode 0x8, EsubCode 0)}: Ecode, and EsubCode where it tells causes apart. */
        @Override
        public String kind() {
            return (ecode < NAMES.length ? NAMES[ecode] : "exception") + " (Ecode 0x" + Integer.toHexString(ecode)
                    + (ecode == ADE || esubcode != 0 ? ", EsubCode " + esubcode : "") + ")";
        }

        /** {@code INE (Ecode 0xd)}, with EsubCode when not 0 and BADV for an address error. */
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(ecode < NAMES.length ? NAMES[ecode] : "exception")
                    .append(" (Ecode 0x").append(Integer.toHexString(ecode));
            if (esubcode != 0) {
                b.append(", EsubCode ").append(esubcode);
            }
            b.append(')');
            if (ecode == ADE || ecode == ALE) {
                b.append(", BADV 0x").append(Long.toHexString(badv));
            }
            return b.toString();
        }
    }

    /**
     * A RISC-V exception as KVM redirects it to the guest ({@code arch/riscv/kvm/vcpu_exit.c
     * kvm_riscv_vcpu_trap_redirect}): the guest sees it in its scause, stval and sepc.
     * @param cause the exception code, scause without the interrupt bit ({@link #ILLEGAL_INSTRUCTION} 2, ...)
     * @param tval stval: the faulting address or instruction bits, or 0
     * @param pc sepc: the instruction's address
     */
    record RiscV(long cause, long tval, long pc) implements Fault {
        /** {@code EXC_INST_ILLEGAL}: illegal instruction. */
        public static final long ILLEGAL_INSTRUCTION = 2;
        /** {@code EXC_BREAKPOINT}: breakpoint. */
        public static final long BREAKPOINT = 3;
        /** {@code EXC_SYSCALL}: environment call from U-mode. */
        public static final long ECALL_U = 8;
        /** {@code EXC_SUPERVISOR_SYSCALL}: environment call from VS-mode. */
        public static final long ECALL_VS = 10;
        /** {@code EXC_VIRTUAL_INST_FAULT}: virtual instruction. */
        public static final long VIRTUAL_INSTRUCTION = 22;

        /**
         * Checks the cause.
         * @param cause 0 to 63
         * @param tval stval
         * @param pc sepc
         */
        public RiscV {
            if (cause < 0 || cause > 63) {
                throw new IllegalArgumentException("a RISC-V exception code is 0 to 63, not " + cause);
            }
        }

        /** {@code illegal instruction (scause 2), stval 0x...}, with the privileged spec's names. */
        /** {@code illegal instruction (scause 2)}: the exception code. */
        @Override
        public String kind() {
            return name() + " (scause " + cause + ")";
        }

        @Override
        public String toString() {
            return kind() + ", stval 0x" + Long.toHexString(tval);
        }

        private String name() {
            return switch ((int) cause) {
                case 0 -> "instruction address misaligned";
                case 1 -> "instruction access fault";
                case 2 -> "illegal instruction";
                case 3 -> "breakpoint";
                case 4 -> "load address misaligned";
                case 5 -> "load access fault";
                case 6 -> "store/AMO address misaligned";
                case 7 -> "store/AMO access fault";
                case 8 -> "environment call from U-mode";
                case 9 -> "environment call from HS-mode";
                case 10 -> "environment call from VS-mode";
                case 11 -> "environment call from M-mode";
                case 12 -> "instruction page fault";
                case 13 -> "load page fault";
                case 15 -> "store/AMO page fault";
                case 20 -> "instruction guest-page fault";
                case 21 -> "load guest-page fault";
                case 22 -> "virtual instruction";
                case 23 -> "store/AMO guest-page fault";
                default -> "exception";
            };
        }
    }
}
