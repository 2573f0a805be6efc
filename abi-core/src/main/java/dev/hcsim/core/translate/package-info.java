/**
 * The translating engine: guest code decoded once per basic block and run as one unit that the JVM
 * compiles ({@link dev.hcsim.core.translate.BlockEngine}). Not part of the user API: the standalone
 * machine uses it behind its scheduler. Architecture-neutral: it works through the
 * {@link dev.hcsim.core.spi.Instruction} SPI alone, so every architecture is translated, and an
 * instruction is never interpreted differently in a block than on its own.
 */
package dev.hcsim.core.translate;
