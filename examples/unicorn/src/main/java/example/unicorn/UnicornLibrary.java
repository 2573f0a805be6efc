package example.unicorn;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few functions of Unicorn 2's C API ({@code unicorn/unicorn.h}) this example calls, bound by JNA to
 * {@code libunicorn.so.2} (Debian's {@code libunicorn2}). Numbers are those of the 2.0.1 headers.
 */
interface UnicornLibrary extends Library {
    /** The shared library, loaded on first use; {@link Unicorn#available()} says whether that can work. */
    UnicornLibrary LIB = Native.load(libraryName(), UnicornLibrary.class);

    private static String libraryName() {
        // Debian ships libunicorn.so only with -dev; the runtime package has the versioned name.
        String override = System.getProperty("unicorn.library");
        return override != null ? override : java.nio.file.Files.exists(java.nio.file.Path.of("/usr/lib/x86_64-linux-gnu/libunicorn.so.2"))
                ? "/usr/lib/x86_64-linux-gnu/libunicorn.so.2" : "unicorn";
    }

    int UC_ARCH_ARM64 = 2;
    int UC_ARCH_MIPS = 3;
    int UC_ARCH_X86 = 4;
    int UC_ARCH_PPC = 5;
    int UC_ARCH_RISCV = 8;
    int UC_ARCH_S390X = 9;

    int UC_MODE_LITTLE_ENDIAN = 0;
    int UC_MODE_BIG_ENDIAN = 1 << 30;
    int UC_MODE_32 = 1 << 2;
    int UC_MODE_64 = 1 << 3;
    int UC_MODE_RISCV64 = 1 << 3;

    int UC_PROT_ALL = 7;

    int UC_HOOK_INTR = 1;
    int UC_HOOK_CODE = 1 << 2;
    int UC_HOOK_INSN_INVALID = 1 << 14;

    /** {@code UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1)}: type 7, one argument, write. */
    int UC_CTL_WRITE_CPU_MODEL = 7 | (1 << 26) | (1 << 30);

    /** {@code void (*uc_cb_hookintr_t)(uc_engine *uc, uint32_t intno, void *user_data)}. */
    interface InterruptHook extends Callback {
        void invoke(Pointer uc, int intno, Pointer userData);
    }

    /** {@code bool (*uc_cb_hookinsn_invalid_t)(uc_engine *uc, void *user_data)}: true = handled. */
    interface InvalidInstructionHook extends Callback {
        boolean invoke(Pointer uc, Pointer userData);
    }

    /** {@code void (*uc_cb_hookcode_t)(uc_engine *uc, uint64_t address, uint32_t size, void *user_data)}. */
    interface CodeHook extends Callback {
        void invoke(Pointer uc, long address, int size, Pointer userData);
    }

    int uc_version(Pointer major, Pointer minor);

    int uc_open(int arch, int mode, PointerByReference uc);

    int uc_close(Pointer uc);

    int uc_ctl(Pointer uc, int control, int value);

    int uc_mem_map(Pointer uc, long address, long size, int perms);

    int uc_mem_map_ptr(Pointer uc, long address, long size, int perms, Pointer ptr);

    int uc_mem_read(Pointer uc, long address, byte[] bytes, long size);

    int uc_mem_write(Pointer uc, long address, byte[] bytes, long size);

    int uc_reg_read(Pointer uc, int regid, long[] value);

    int uc_reg_write(Pointer uc, int regid, long[] value);

    int uc_reg_read(Pointer uc, int regid, Pointer value);

    int uc_reg_write(Pointer uc, int regid, Pointer value);

    // uc_hook_add is variadic; the hook kinds used here take no extra argument.
    int uc_hook_add(Pointer uc, PointerByReference hh, int type, Callback callback, Pointer userData, long begin, long end);

    int uc_emu_start(Pointer uc, long begin, long until, long timeout, long count);

    int uc_emu_stop(Pointer uc);

    String uc_strerror(int code);
}
