/**
 * hcsim's architecture-neutral core. User API: {@code dev.hcsim.core} (VMs, the embedding path),
 * {@code dev.hcsim.core.sched} (the standalone machine and scheduler) and {@code dev.hcsim.core.trace}.
 * Engine API for architecture modules: {@code dev.hcsim.core.spi} and {@code dev.hcsim.core.asm}.
 * Scenarios and the JSON form of traces are in the module {@code dev.hcsim.scenario} (abi-scenario), so
 * that an emulator that only traps does not pull a JSON library.
 */
module dev.hcsim.core {
    requires com.google.common;
    requires org.objectweb.asm;

    exports dev.hcsim.core;
    exports dev.hcsim.core.spi;
    exports dev.hcsim.core.asm;
    exports dev.hcsim.core.sched;
    exports dev.hcsim.core.trace;

    // the trace records are written as JSON by dev.hcsim.scenario's Jackson, reflectively
    opens dev.hcsim.core.trace;

    uses dev.hcsim.core.spi.Architecture;
}
