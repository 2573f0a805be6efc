package example.unicorn;

import com.sun.jna.Callback;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;

/**
 * One Unicorn engine (one CPU): memory, registers, hooks, run. Every failing call is an
 * {@link UnicornException} with Unicorn's own message ({@code uc_strerror}). Not thread-safe.
 */
public final class Unicorn implements AutoCloseable {
    private static Throwable loadError;
    private static final UnicornLibrary UC = load();

    private final Pointer uc;
    private final long[] scratch = new long[1];
    // JNA callbacks must stay reachable while the engine may call them.
    private final List<Callback> hooks = new ArrayList<>();

    private static UnicornLibrary load() {
        try {
            return UnicornLibrary.LIB;
        } catch (Throwable t) {
            loadError = t.getCause() != null ? t.getCause() : t; // the linker's own message, not the class-init wrapper
            return null;
        }
    }

    /**
     * Whether libunicorn can be loaded here.
     * @return true when the shared library was found
     */
    public static boolean available() {
        return UC != null;
    }

    /**
     * Why the library could not be loaded.
     * @return a one-line reason, or null when it is loaded
     */
    public static String unavailableReason() {
        return loadError == null ? null : "libunicorn2 cannot be loaded (" + loadError.getMessage().lines().findFirst().orElse("")
                + "); apt-get install libunicorn2";
    }

    /**
     * The library's version as {@code major.minor}.
     * @return the version Unicorn reports
     */
    public static String version() {
        Memory major = new Memory(4);
        Memory minor = new Memory(4);
        UC.uc_version(major, minor);
        return major.getInt(0) + "." + minor.getInt(0);
    }

    /**
     * Opens an engine.
     * @param arch a {@code UC_ARCH_*} number
     * @param mode {@code UC_MODE_*} flags
     */
    public Unicorn(int arch, int mode) {
        if (UC == null) {
            throw new UnicornException(unavailableReason());
        }
        PointerByReference ref = new PointerByReference();
        check(UC.uc_open(arch, mode, ref), "uc_open");
        this.uc = ref.getValue();
    }

    private static void check(int err, String what) {
        if (err != 0) {
            throw new UnicornException(what + ": " + UC.uc_strerror(err) + " (uc_err " + err + ")");
        }
    }

    /**
     * Selects the CPU model ({@code UC_CTL_CPU_MODEL}); only before the first other call.
     * @param model a {@code UC_CPU_*} number of the engine's architecture
     */
    public void cpuModel(int model) {
        check(UnicornLibrary.LIB.uc_ctl(uc, UnicornLibrary.UC_CTL_WRITE_CPU_MODEL, model), "uc_ctl(CPU_MODEL)");
    }

    /**
     * Maps RAM with every permission.
     * @param address a page-aligned guest address
     * @param size a multiple of the page size
     */
    public void map(long address, long size) {
        check(UC.uc_mem_map(uc, address, size, UnicornLibrary.UC_PROT_ALL), "uc_mem_map(0x" + Long.toHexString(address) + ")");
    }

    /**
     * Maps host memory the caller owns as RAM with every permission: engines that map the same block share it.
     * @param address a page-aligned guest address
     * @param size a multiple of the page size
     * @param host the host memory, at least {@code size} bytes, kept alive by the caller
     */
    public void map(long address, long size, Pointer host) {
        check(UC.uc_mem_map_ptr(uc, address, size, UnicornLibrary.UC_PROT_ALL, host), "uc_mem_map_ptr(0x" + Long.toHexString(address) + ")");
    }

    /**
     * Reads memory.
     * @param address the guest address
     * @param dst where the bytes go
     * @param len how many
     * @return false when any byte is not mapped
     */
    public boolean read(long address, byte[] dst, int len) {
        return UC.uc_mem_read(uc, address, dst, len) == 0;
    }

    /**
     * Writes memory.
     * @param address the guest address
     * @param src the bytes
     * @param len how many
     * @return false when any byte is not mapped
     */
    public boolean write(long address, byte[] src, int len) {
        return UC.uc_mem_write(uc, address, src, len) == 0;
    }

    /**
     * Reads a register of at most 64 bits.
     * @param reg a {@code UC_*_REG_*} number
     * @return its value
     */
    public long reg(int reg) {
        scratch[0] = 0;
        check(UC.uc_reg_read(uc, reg, scratch), "uc_reg_read(" + reg + ")");
        return scratch[0];
    }

    /**
     * Writes a register of at most 64 bits.
     * @param reg a {@code UC_*_REG_*} number
     * @param value the new value
     */
    public void reg(int reg, long value) {
        scratch[0] = value;
        check(UC.uc_reg_write(uc, reg, scratch), "uc_reg_write(" + reg + ")");
    }

    /**
     * Reads a register through a caller's buffer (structured registers such as arm64's CP_REG).
     * @param reg the register number
     * @param buffer the buffer, filled in place
     */
    public void reg(int reg, Memory buffer) {
        check(UC.uc_reg_read(uc, reg, buffer), "uc_reg_read(" + reg + ")");
    }

    /**
     * Writes a register through a caller's buffer (structured registers such as arm64's CP_REG).
     * @param reg the register number
     * @param buffer the value, laid out as the C struct
     */
    public void regWrite(int reg, Memory buffer) {
        check(UC.uc_reg_write(uc, reg, buffer), "uc_reg_write(" + reg + ")");
    }

    /**
     * Hooks every interrupt and exception.
     * @param hook called with the interrupt number
     */
    public void onInterrupt(java.util.function.IntConsumer hook) {
        UnicornLibrary.InterruptHook cb = (p, intno, user) -> hook.accept(intno);
        add(UnicornLibrary.UC_HOOK_INTR, cb, 1, 0);
    }

    /**
     * Hooks invalid instructions (x86's #UD).
     * @param hook answers true when it handled the instruction
     */
    public void onInvalidInstruction(java.util.function.BooleanSupplier hook) {
        UnicornLibrary.InvalidInstructionHook cb = (p, user) -> hook.getAsBoolean();
        add(UnicornLibrary.UC_HOOK_INSN_INVALID, cb, 1, 0);
    }

    /**
     * Hooks the execution of the instructions in {@code [begin, end]}.
     * @param begin first address
     * @param end last address (inclusive)
     * @param hook called with the instruction's address before it runs
     */
    public void onCode(long begin, long end, java.util.function.LongConsumer hook) {
        UnicornLibrary.CodeHook cb = (p, address, size, user) -> hook.accept(address);
        add(UnicornLibrary.UC_HOOK_CODE, cb, begin, end);
    }

    private void add(int type, Callback cb, long begin, long end) {
        hooks.add(cb);
        check(UC.uc_hook_add(uc, new PointerByReference(), type, cb, Pointer.NULL, begin, end), "uc_hook_add(" + type + ")");
    }

    /**
     * Runs from {@code begin} until {@code until}, or {@code count} instructions (0: no limit), or a hook stops it.
     * @param begin the start address
     * @param until the address at which to stop
     * @param count the most instructions to run, 0 for no limit
     */
    public void start(long begin, long until, long count) {
        check(UC.uc_emu_start(uc, begin, until, 0, count), "uc_emu_start(0x" + Long.toHexString(begin) + ")");
    }

    /** Stops the run in progress (from a hook). */
    public void stop() {
        check(UC.uc_emu_stop(uc), "uc_emu_stop");
    }

    @Override
    public void close() {
        UC.uc_close(uc);
        hooks.clear();
    }
}
