/**
 * hcsim's architecture-neutral core, split as JUnit 5 splits its API, SPI and engine.
 *
 * <ul>
 *   <li>User API, exported to everyone: {@code dev.hcsim.core} (VMs, the embedding path, results, exits,
 *       faults, snapshots, KVM controls), {@code dev.hcsim.core.sched} (the standalone machine and
 *       scheduler) and {@code dev.hcsim.core.trace}. Every public type says its stability with
 *       {@code @API(status = ...)}.</li>
 *   <li>SPI for architecture modules: {@code dev.hcsim.core.spi} (what an {@code arch-*} module implements and
 *       the frames the core hands it) and {@code dev.hcsim.core.asm} (the shared assembler its codec plugs into).</li>
 *   <li>Engine: {@code dev.hcsim.core.engine} (the door into a VM's internals, the architecture registry) and
 *       {@code dev.hcsim.core.translate} (the block translator, not exported at all).</li>
 * </ul>
 *
 * The SPI and the engine are exported only to hcsim's own modules (qualified exports). Three of those are
 * automatic modules (abi-scenario's {@code dev.hcsim.scenario}, abi-conformance's {@code dev.hcsim.conformance},
 * abi-views' {@code dev.hcsim.views}: their jars name themselves in {@code Automatic-Module-Name}); a qualified export to an automatic module
 * works on the module path like one to a named module. javac cannot see them when it compiles this module,
 * hence the "module not found" lint is off here. On the class path there are no modules, and nothing is
 * enforced. Scenarios and the JSON form of traces are in {@code dev.hcsim.scenario}, so that an emulator that
 * only traps does not pull a JSON library.
 */
@SuppressWarnings("module")
module dev.hcsim.core {
    requires com.google.common;
    // the @API status annotations; needed to compile, not to run (as in JUnit 5)
    requires static transitive org.apiguardian.api;
    requires org.objectweb.asm;

    exports dev.hcsim.core;
    exports dev.hcsim.core.sched;
    exports dev.hcsim.core.trace;

    exports dev.hcsim.core.spi to
            dev.hcsim.arch.x86, dev.hcsim.arch.arm64, dev.hcsim.arch.s390, dev.hcsim.arch.ppc, dev.hcsim.arch.mips,
            dev.hcsim.arch.loongarch, dev.hcsim.arch.riscv, dev.hcsim.scenario, dev.hcsim.conformance, dev.hcsim.views;
    exports dev.hcsim.core.asm to
            dev.hcsim.arch.x86, dev.hcsim.arch.arm64, dev.hcsim.arch.s390, dev.hcsim.arch.ppc, dev.hcsim.arch.mips,
            dev.hcsim.arch.loongarch, dev.hcsim.arch.riscv, dev.hcsim.scenario, dev.hcsim.conformance, dev.hcsim.views;
    exports dev.hcsim.core.engine to
            dev.hcsim.arch.x86, dev.hcsim.arch.arm64, dev.hcsim.arch.s390, dev.hcsim.arch.ppc, dev.hcsim.arch.mips,
            dev.hcsim.arch.loongarch, dev.hcsim.arch.riscv, dev.hcsim.scenario, dev.hcsim.conformance, dev.hcsim.views;

    // the trace records are written as JSON by dev.hcsim.scenario's Jackson, reflectively
    opens dev.hcsim.core.trace;

    uses dev.hcsim.core.spi.Architecture;
}
