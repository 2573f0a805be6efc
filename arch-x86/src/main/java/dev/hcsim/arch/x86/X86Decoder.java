package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.X86Interpreter.fmt;

import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.SignalInstruction;

/**
 * Decodes the x86-64 subset from bytes. Returns null for anything outside the subset (the codec
 * turns that into an undecodable instruction); never reads past {@code len}.
 */
final class X86Decoder {
    private X86Decoder() {
    }

    private static final class In {
        final byte[] b;
        final int end;
        int i;

        In(byte[] b, int off, int len) {
            this.b = b;
            this.i = off;
            this.end = off + len;
        }

        boolean has(int n) {
            return i + n <= end;
        }

        int u8() {
            if (i >= end) {
                throw new IndexOutOfBoundsException();
            }
            return b[i++] & 0xFF;
        }

        long s8() {
            return (byte) u8();
        }

        long s32() {
            long v = u8() | (u8() << 8) | (u8() << 16) | ((long) u8() << 24);
            return (int) v;
        }

        long u64() {
            long v = 0;
            for (int k = 0; k < 8; k++) {
                v |= (long) u8() << (8 * k);
            }
            return v;
        }
    }

    /** A decoded memory operand. */
    private record MemRef(int base, long disp, String text) {
    }

    static Instruction decode(byte[] b, int off, int len, long pc) {
        In in = new In(b, off, len);
        try {
            return decode(in, off, pc);
        } catch (IndexOutOfBoundsException e) {
            return null; // truncated: not enough bytes for the instruction
        }
    }

    private static String r(int idx, int w) {
        return "%" + switch (w) {
            case 64 -> X86Registers.NAMES64[idx];
            case 32 -> X86Registers.NAMES32[idx];
            case 16 -> X86Registers.NAMES16[idx];
            default -> X86Registers.NAMES8[idx];
        };
    }

    private static String imm(long v, int w) {
        return "$0x" + Long.toHexString(v & X86Interpreter.mask(w));
    }

    private static Instruction decode(In in, int off, long pc) {
        boolean opsize = false;
        boolean rep = false;
        int prefixes = 0;
        while (prefixes < 2) {
            if (in.i >= in.end) {
                return null;
            }
            int p = in.b[in.i] & 0xFF;
            if (p == 0x66 && !opsize) {
                opsize = true;
            } else if (p == 0xF3 && !rep) {
                rep = true;
            } else {
                break;
            }
            in.i++;
            prefixes++;
        }
        int rex = 0;
        int peek = in.u8();
        if (peek >= 0x40 && peek <= 0x4F) {
            rex = peek;
            peek = in.u8();
        }
        boolean w64 = (rex & 8) != 0;
        int rexR = (rex & 4) != 0 ? 8 : 0;
        int rexB = (rex & 1) != 0 ? 8 : 0;
        if ((rex & 2) != 0) {
            return null; // REX.X: an index register, not in the subset
        }
        int op = peek;
        if (rep && op != 0x90) {
            return null;
        }
        int w = w64 ? 64 : opsize ? 16 : 32;
        switch (op) {
            case 0x0F -> {
                return twoByte(in, off, pc, rex, w, opsize);
            }
            case 0x90 -> {
                if (rex != 0 || opsize) {
                    return null;
                }
                return new SignalInstruction(in.i - off, rep ? "pause" : "nop", Cpu.NEXT);
            }
            case 0xF4 -> {
                return rex != 0 || opsize ? null : new SignalInstruction(1, "hlt", Cpu.HALT);
            }
            case 0xC3 -> {
                return rex != 0 || opsize ? null : new X86Interpreter.Ret(1, "ret");
            }
            case 0xFF -> {
                // call *%r64 (FF /2, mod 3): REX.B selects r8..r15; any other REX bit or 66 is outside the subset.
                int modrm = in.u8();
                if (((rex & ~1) != 0x40 && rex != 0) || opsize || (modrm & 0xF8) != 0xD0) {
                    return null;
                }
                int reg = (modrm & 7) | rexB;
                return new X86Interpreter.CallIndirect(in.i - off, fmt("call", "*" + r(reg, 64)), reg);
            }
            case 0xEB, 0xE9 -> {
                if (rex != 0 || opsize) {
                    return null;
                }
                long rel = op == 0xEB ? in.s8() : in.s32();
                long target = pc + (in.i - off) + rel;
                return new X86Interpreter.Branch(in.i - off, fmt("jmp", "0x" + Long.toHexString(target)), -1, target);
            }
            default -> {
            }
        }
        if (op >= 0x70 && op <= 0x7F) {
            if (rex != 0 || opsize) {
                return null;
            }
            long rel = in.s8();
            long target = pc + (in.i - off) + rel;
            return new X86Interpreter.Branch(in.i - off, fmt("j" + X86Codec.CC[op - 0x70], "0x" + Long.toHexString(target)), op - 0x70, target);
        }
        if (op >= 0xB8 && op <= 0xBF) {
            int reg = (op - 0xB8) | rexB;
            if (opsize) {
                return null;
            }
            if (w64) {
                long v = in.u64();
                return new X86Interpreter.MovImm(in.i - off, fmt("movabs", imm(v, 64) + "," + r(reg, 64)), reg, 64, v);
            }
            long v = in.s32() & 0xFFFF_FFFFL;
            return new X86Interpreter.MovImm(in.i - off, fmt("mov", imm(v, 32) + "," + r(reg, 32)), reg, 32, v);
        }
        // ALU rax, imm32 short forms
        if ((op & 0xC7) == 0x05 && op <= 0x3D) {
            int alu = op >> 3;
            if (X86Codec.ALU[alu] == null || opsize) {
                return null;
            }
            long v = in.s32();
            return new X86Interpreter.Alu(in.i - off, fmt(X86Codec.ALU[alu], imm(v, w) + "," + r(0, w)), alu, 0, -1, v, w);
        }
        // ALU r/m, reg (register form only)
        if ((op & 0xC7) == 0x01 && op <= 0x39) {
            int alu = op >> 3;
            if (X86Codec.ALU[alu] == null || opsize) {
                return null;
            }
            int modrm = in.u8();
            if ((modrm >> 6) != 3) {
                return null;
            }
            int reg = ((modrm >> 3) & 7) | rexR;
            int rm = (modrm & 7) | rexB;
            return new X86Interpreter.Alu(in.i - off, fmt(X86Codec.ALU[alu], r(reg, w) + "," + r(rm, w)), alu, rm, reg, 0, w);
        }
        switch (op) {
            case 0x81, 0x83 -> {
                if (opsize) {
                    return null;
                }
                int modrm = in.u8();
                int alu = (modrm >> 3) & 7;
                if ((modrm >> 6) != 3 || X86Codec.ALU[alu] == null) {
                    return null;
                }
                int rm = (modrm & 7) | rexB;
                long v = op == 0x83 ? in.s8() : in.s32();
                return new X86Interpreter.Alu(in.i - off, fmt(X86Codec.ALU[alu], imm(v, w) + "," + r(rm, w)), alu, rm, -1, v, w);
            }
            case 0x89, 0x88, 0x8B, 0x8A -> {
                boolean byteOp = op == 0x88 || op == 0x8A;
                int ow = byteOp ? 8 : w;
                if (byteOp && (opsize || w64)) {
                    return null;
                }
                int modrm = in.u8();
                int reg = ((modrm >> 3) & 7) | rexR;
                if (byteOp && rex == 0 && reg >= 4 && reg < 8) {
                    return null; // ah, ch, dh, bh: not in the subset
                }
                if ((modrm >> 6) == 3) {
                    if (op != 0x89 || opsize) {
                        return null;
                    }
                    int rm = (modrm & 7) | rexB;
                    return new X86Interpreter.MovReg(in.i - off, fmt("mov", r(reg, w) + "," + r(rm, w)), rm, reg, w);
                }
                MemRef m = mem(in, modrm, rexB);
                if (m == null) {
                    return null;
                }
                if (op == 0x89 || op == 0x88) {
                    return new X86Interpreter.Store(in.i - off, fmt("mov", r(reg, ow) + "," + m.text()), reg, m.base(), m.disp(), ow / 8, 0);
                }
                return new X86Interpreter.Load(in.i - off, fmt("mov", m.text() + "," + r(reg, ow)), reg, m.base(), m.disp(), ow / 8, ow);
            }
            case 0xC7, 0xC6 -> {
                int modrm = in.u8();
                if (((modrm >> 3) & 7) != 0) {
                    return null;
                }
                boolean byteOp = op == 0xC6;
                if (byteOp && (opsize || w64)) {
                    return null;
                }
                int ow = byteOp ? 8 : w;
                if ((modrm >> 6) == 3) {
                    if (byteOp || opsize) {
                        return null;
                    }
                    int rm = (modrm & 7) | rexB;
                    long v = in.s32();
                    return new X86Interpreter.MovImm(in.i - off, fmt("mov", imm(v, w) + "," + r(rm, w)), rm, w, w == 64 ? v : v & 0xFFFF_FFFFL);
                }
                MemRef m = mem(in, modrm, rexB);
                if (m == null) {
                    return null;
                }
                long v = ow == 8 ? in.s8() : ow == 16 ? (short) (in.u8() | (in.u8() << 8)) : in.s32();
                String suffix = switch (ow) {
                    case 64 -> "movq";
                    case 32 -> "movl";
                    case 16 -> "movw";
                    default -> "movb";
                };
                return new X86Interpreter.Store(in.i - off, fmt(suffix, imm(v, ow) + "," + m.text()), -1, m.base(), m.disp(), ow / 8, v);
            }
            default -> {
                return null;
            }
        }
    }

    private static Instruction twoByte(In in, int off, long pc, int rex, int w, boolean opsize) {
        int op2 = in.u8();
        if (op2 == 0x01) {
            int modrm = in.u8();
            if (rex != 0 || opsize) {
                return null;
            }
            if (modrm == 0xC1) {
                return new SignalInstruction(3, "vmcall", Cpu.TRAP);
            }
            if (modrm == 0xD9) {
                return new SignalInstruction(3, "vmmcall", Cpu.TRAP);
            }
            return null;
        }
        if (op2 >= 0x80 && op2 <= 0x8F) {
            if (rex != 0 || opsize) {
                return null;
            }
            long rel = in.s32();
            long target = pc + (in.i - off) + rel;
            return new X86Interpreter.Branch(in.i - off, fmt("j" + X86Codec.CC[op2 - 0x80], "0x" + Long.toHexString(target)), op2 - 0x80, target);
        }
        if (rex != 0 && op2 != 0xB6 && op2 != 0xB7) {
            return null;
        }
        switch (op2) {
            case 0xA2 -> {
                return opsize ? null : new X86Interpreter.Cpuid();
            }
            case 0x30 -> {
                return opsize ? null : new X86Interpreter.Wrmsr();
            }
            case 0x31 -> {
                return opsize ? null : new X86Interpreter.Rdtsc();
            }
            case 0x32 -> {
                return opsize ? null : new X86Interpreter.Rdmsr();
            }
            case 0xB6, 0xB7 -> {
                if (w != 32) {
                    return null; // movzbq / movzbw are not in the subset
                }
                int modrm = in.u8();
                if ((modrm >> 6) == 3) {
                    return null;
                }
                int reg = ((modrm >> 3) & 7) | ((rex & 4) != 0 ? 8 : 0);
                MemRef m = mem(in, modrm, (rex & 1) != 0 ? 8 : 0);
                if (m == null) {
                    return null;
                }
                int size = op2 == 0xB6 ? 1 : 2;
                return new X86Interpreter.Load(in.i - off, fmt(op2 == 0xB6 ? "movzbl" : "movzwl", m.text() + "," + r(reg, 32)), reg, m.base(),
                        m.disp(), size, 32);
            }
            default -> {
                return null;
            }
        }
    }

    /** disp(%base) only: no index, no RIP-relative, no absolute addressing. */
    private static MemRef mem(In in, int modrm, int rexB) {
        int mod = modrm >> 6;
        int rm = modrm & 7;
        if (rm == 4) {
            int sib = in.u8();
            if (sib != 0x24) {
                return null;
            }
        } else if (rm == 5 && mod == 0) {
            return null;
        }
        int base = rm | rexB;
        long disp = mod == 1 ? in.s8() : mod == 2 ? in.s32() : 0;
        String text;
        if (mod == 0) {
            text = "(" + r(base, 64) + ")";
        } else {
            text = (disp < 0 ? "-0x" + Long.toHexString(-disp) : "0x" + Long.toHexString(disp)) + "(" + r(base, 64) + ")";
        }
        return new MemRef(base, disp, text);
    }
}
