package org.bergenholm.dhcp;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** One DHCP mode: what to answer to a packet, if anything. Called from several threads. */
interface DhcpHandler {
    Optional<Outgoing> handle(Incoming in);

    /**
     * The answer, complete once it may be sent. A mode whose answer waits on storage completes it
     * later on another thread, so that the caller's thread goes on with other packets meanwhile.
     */
    default CompletableFuture<Optional<Outgoing>> answer(Incoming in) {
        return CompletableFuture.completedFuture(handle(in));
    }
}
