package example.unicorn;

import dev.hcsim.core.RegisterLayout;
import java.util.List;
import java.util.Map;

/**
 * One architecture that Unicorn 2.0.1 and hcsim share: how to open its Unicorn engine, where hcsim's registers live in
 * it, how a trap reaches a hook, and which of the guest's own instructions need the host (a wait). One subclass each.
 */
public abstract class UcArch {
    /** What the instruction at the PC is, for the loop's code hook. */
    public enum Guest {
        /** the guest's own instruction: Unicorn runs it */
        OWN,
        /** a wait for an interrupt ({@code hlt}, {@code wfi}): the PC is advanced, the vCPU halts */
        WAIT,
        /** emulated here (a system register Unicorn has per engine, not per vCPU): the PC is advanced */
        EMULATED,
        /** a trap instruction taken here, before it runs, with the PC on it (for a CPU whose exception hook is no use) */
        TRAP
    }

    private final String name;
    private final String hcsimArch;
    private final Map<String, String> options;
    private final int ucArch;
    private final int ucMode;

    UcArch(String name, String hcsimArch, Map<String, String> options, int ucArch, int ucMode) {
        this.name = name;
        this.hcsimArch = hcsimArch;
        this.options = options;
        this.ucArch = ucArch;
        this.ucMode = ucMode;
    }

    /**
     * Every architecture this example runs, in the order of the README's table.
     * @return x86-64, arm64, s390x, MIPS (both byte orders), PPC, RISC-V
     */
    public static List<UcArch> all() {
        return List.of(new X86OnUnicorn(), new Arm64OnUnicorn(), new S390OnUnicorn(), new MipsOnUnicorn(true), new MipsOnUnicorn(false),
                new PpcOnUnicorn(), new RiscvOnUnicorn());
    }

    /**
     * The adapter that runs {@code vm}: its architecture, and the options the adapter fixes (byte order, mode).
     * @param vm an hcsim VM
     * @return its adapter
     * @throws IllegalArgumentException naming the architectures and options there are
     */
    public static UcArch of(dev.hcsim.core.Vm vm) {
        String name = vm.architecture().name();
        return all().stream().filter(a -> a.hcsimArch.equals(name) && a.options.entrySet().stream()
                .allMatch(e -> vm.option(e.getKey()).equals(e.getValue()))).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "Unicorn 2.0.1 cannot run hcsim's '" + name + "' with " + vm.options() + " (see examples/unicorn/README.md); it runs "
                + all().stream().map(a -> a.hcsimArch + a.options).toList()));
    }

    /**
     * The architecture for hcsim's name of it.
     * @param hcsimArch {@code x86}, {@code arm64} or {@code s390}
     * @return its adapter
     * @throws IllegalArgumentException naming the ones there are
     */
    public static UcArch of(String hcsimArch) {
        return all().stream().filter(a -> a.hcsimArch.equals(hcsimArch)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "Unicorn 2.0.1 cannot run hcsim's '" + hcsimArch + "' (see examples/unicorn/README.md); it runs "
                + all().stream().map(UcArch::hcsimArch).distinct().toList()));
    }

    /**
     * The name of the architecture as Unicorn's users say it.
     * @return e.g. {@code x86-64}
     */
    public String name() {
        return name;
    }

    /**
     * hcsim's name of the architecture.
     * @return e.g. {@code x86}
     */
    public String hcsimArch() {
        return hcsimArch;
    }

    /**
     * The hcsim options that describe what Unicorn runs (byte order, mode).
     * @return option name to value
     */
    public Map<String, String> options() {
        return options;
    }

    /**
     * A new engine for one vCPU, in the mode the guest runs in.
     * @return the engine
     */
    public Unicorn open() {
        return new Unicorn(ucArch, ucMode);
    }

    /**
     * Called once per engine after {@link #open}: the hooks that bring a trap to {@code trap}. By default every
     * interrupt or exception the engine raises ({@code UC_HOOK_INTR}) is handed to hcsim, which tells a hypercall
     * from the guest's own instruction.
     * @param u the engine
     * @param trap called when the guest executed an instruction that may be a hypercall (PC on it)
     */
    public void hookTraps(Unicorn u, Runnable trap) {
        u.onInterrupt(intno -> trap.run());
    }

    /**
     * Register indices {@code 0..general-1} (hcsim's general registers), then {@code extra}.
     * @param general how many general registers come first
     * @param extra the control registers compared after them
     * @return the indices
     */
    static int[] generalThen(int general, int... extra) {
        int[] out = new int[general + extra.length];
        for (int i = 0; i < general; i++) {
            out[i] = i;
        }
        System.arraycopy(extra, 0, out, general, extra.length);
        return out;
    }

    /**
     * Reads register {@code reg} of hcsim's layout.
     * @param r the vCPU
     * @param reg hcsim's index
     * @return the value
     */
    abstract long get(UcRegisters r, int reg);

    /**
     * Writes register {@code reg} of hcsim's layout.
     * @param r the vCPU
     * @param reg hcsim's index
     * @param value the value
     */
    abstract void set(UcRegisters r, int reg, long value);

    /**
     * The PC register's Unicorn number.
     * @return {@code UC_*_REG_PC} or {@code UC_X86_REG_RIP}
     */
    abstract int pcRegister();

    /**
     * Looks at the instruction at {@code pc} before Unicorn runs it.
     * @param r the vCPU
     * @param pc its address
     * @param insn its first bytes (4, or fewer at the end of memory)
     * @return what the loop does with it; for WAIT and EMULATED the PC is already advanced
     */
    abstract Guest guestInstruction(UcRegisters r, long pc, byte[] insn);

    /**
     * Injects the fault a trap answered ({@code TrapResult.fault()}, {@code Outcome.FAULT}) into the guest, as KVM's
     * next entry delivers it, when the guest has somewhere to take it (its exception vectors, IDT or program new
     * PSW); otherwise the loop stops the vCPU naming the fault, as hcsim's standalone machine does. By default there
     * is nowhere: this engine gives no access to the registers an exception entry writes.
     * @param r the vCPU, in the state KVM has when it injects
     * @param fault the typed fault, in this architecture's terms
     * @return null when the guest now runs its handler; otherwise why the vCPU stops (nothing was delivered, or, on
     *         PowerPC, it was delivered into registers no handler on Unicorn's CPU can read)
     */
    String inject(UcRegisters r, dev.hcsim.core.Fault fault) {
        return "Unicorn 2.0.1 cannot inject it on " + name;
    }

    /**
     * The registers the differential check compares, as hcsim's indices: the general registers and the flags.
     * @param layout hcsim's layout of this architecture
     * @return indices
     */
    public abstract int[] compared(RegisterLayout layout);

    /**
     * A register or PC value as hcsim sees it from the raw Unicorn value: a 32-bit CPU's values sign-extended, as
     * MIPS64 keeps every 32-bit result; a value this CPU can hold is one that this leaves unchanged.
     * @param raw the value Unicorn gives
     * @return the value
     */
    public long widen(long raw) {
        return raw;
    }

    /**
     * The bits of register {@code reg} that both sides define (the x86 flags hcsim's subset computes).
     * @param layout hcsim's layout
     * @param reg an index from {@link #compared}
     * @return a mask, -1 for every bit
     */
    public long comparedBits(RegisterLayout layout, int reg) {
        return -1L;
    }

    @Override
    public String toString() {
        return name;
    }
}
