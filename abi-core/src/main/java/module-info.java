/**
 * hcsim's architecture-neutral core. User API: {@code dev.hcsim.core} (VMs, the embedding path),
 * {@code dev.hcsim.core.sched} (the standalone machine and scheduler), {@code dev.hcsim.core.trace}
 * and {@code dev.hcsim.core.scenario}. Engine API for architecture modules: {@code dev.hcsim.core.spi}
 * and {@code dev.hcsim.core.asm}.
 */
module dev.hcsim.core {
    requires transitive com.fasterxml.jackson.databind;
    requires com.google.common;

    exports dev.hcsim.core;
    exports dev.hcsim.core.spi;
    exports dev.hcsim.core.asm;
    exports dev.hcsim.core.sched;
    exports dev.hcsim.core.trace;
    exports dev.hcsim.core.scenario;

    opens dev.hcsim.core.trace to com.fasterxml.jackson.databind;

    uses dev.hcsim.core.spi.Architecture;
}
