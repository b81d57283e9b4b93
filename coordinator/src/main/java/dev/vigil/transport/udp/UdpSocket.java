package dev.vigil.transport.udp;

import dev.vigil.time.Clock;
import dev.vigil.transport.udp.Envelope.Drop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.UnresolvedAddressException;

/**
 * One UDP socket and the thread that receives on it. Each datagram is stamped with the core's
 * clock as it comes off the socket, before anything else is done with it, and handed to the
 * handler on this thread; nothing the handler throws ends the thread (it is counted as
 * malformed). The receive buffer holds the largest UDP datagram, so one too big is seen as such
 * rather than cut to size.
 */
final class UdpSocket implements AutoCloseable {
    @FunctionalInterface
    interface Handler {
        void datagram(byte[] buf, int len, SocketAddress from, long arrivedMillis);
    }

    private final DatagramChannel channel;
    private final Thread thread;
    private final Drops drops;

    private UdpSocket(DatagramChannel channel, String name, Clock clock, Drops drops, Handler handler) {
        this.channel = channel;
        this.drops = drops;
        this.thread = new Thread(() -> receive(clock, handler), name);
        thread.setDaemon(true);
    }

    static UdpSocket open(InetSocketAddress bind, String name, Clock clock, Drops drops, Handler handler) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20); // a burst of replies is not lost to the buffer
            ch.bind(bind);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw new IOException("cannot listen for probe datagrams on " + bind + ": " + e.getMessage(), e);
        }
        UdpSocket s = new UdpSocket(ch, name, clock, drops, handler);
        s.thread.start();
        return s;
    }

    private void receive(Clock clock, Handler handler) {
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        while (channel.isOpen()) {
            SocketAddress from;
            try {
                buf.clear();
                from = channel.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                drops.count(Drop.MALFORMED, null, null, "receive failed: " + e.getMessage());
                continue;
            }
            long arrived = clock.nowMillis();
            try {
                handler.datagram(buf.array(), buf.position(), from, arrived);
            } catch (RuntimeException e) {
                drops.count(Drop.MALFORMED, from, null, e.toString());
            }
        }
    }

    /** Sends one datagram; a failure is counted and logged, never thrown: the probe it carried just goes unanswered. */
    void send(byte[] datagram, InetSocketAddress to) {
        InetSocketAddress target = to.isUnresolved() ? new InetSocketAddress(to.getHostString(), to.getPort()) : to;
        try {
            channel.send(ByteBuffer.wrap(datagram), target);
        } catch (IOException | UnresolvedAddressException e) {
            drops.count(Drop.SEND_FAILED, target, null, e.toString());
        }
    }

    int port() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
            thread.join(1_000);
        } catch (IOException e) {
            // closing: nothing more to receive either way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
