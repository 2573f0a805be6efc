/**
 * hcsim's ABI conformance kit: generators over the contract data, the ABI properties, the kernel-derived golden
 * cases, and the differential runner that checks any {@link dev.hcsim.conformance.TrapHandler} against hcsim's own
 * model. Architectures contribute extra cases through {@link dev.hcsim.conformance.spi.ArchitectureCases}
 * ({@code META-INF/services}).
 *
 * <p>On the module path the kit is the automatic module {@code dev.hcsim.conformance} (its manifest's
 * {@code Automatic-Module-Name}), not an explicit one: its API hands out QuickTheories generators, and QuickTheories
 * 0.26 (the last release) has no module name of its own, so an explicit descriptor would have to {@code requires
 * transitive} a name derived from the jar's file name — which changes with the file name and which Maven warns must
 * never be published. An automatic module reads every other module, so users need no {@code requires} for
 * QuickTheories either.
 */
package dev.hcsim.conformance;
