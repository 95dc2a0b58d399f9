//! Each request on the wire in one write.
//!
//! ureq transmits a request's head and then its body, and the connection
//! wrote each at once: two `sendto` (two TLS records over HTTPS), two TCP
//! segments for the server to wake up for, where libcurl sends one. This
//! layer holds the first part ureq transmits and writes it together with the
//! next one; what is still held when ureq turns to reading goes out then (the
//! answer cannot come before the whole request is out).
//!
//! It sits above the write witness: held bytes have not reached the socket,
//! so the witness sees only the writes that really happen.
//!
//! It also spares the probe of a connection that ureq's pool makes when an
//! answer has just been read from it: the pool probes it again before its
//! next use (where it matters: a server may close an idle connection), and
//! each probe is three system calls, made under the pool's lock at checkout.

use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};

/// The connector that wraps each connection of the chain in a [`Coalesced`].
#[derive(Debug)]
pub(super) struct Coalesce;

impl<In: Transport> Connector<In> for Coalesce {
    type Out = Coalesced<In>;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|inner| Coalesced {
            inner,
            held: Vec::new(),
            just_read: false,
        }))
    }
}

/// A connection that writes a request's head together with its body.
#[derive(Debug)]
pub(super) struct Coalesced<T> {
    inner: T,
    /// Transmitted by ureq, not yet written. ureq always fills the output
    /// buffer from its start, so what is held must live outside it.
    held: Vec<u8>,
    /// Read from since the last probe: the pool's next probe is the one
    /// made on returning it after an answer.
    just_read: bool,
}

impl<T: Transport> Transport for Coalesced<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        if amount == 0 {
            return Ok(());
        }
        let output = self.inner.buffers().output();
        let held = self.held.len();
        if held == 0 {
            self.held.extend_from_slice(&output[..amount]);
            return Ok(());
        }
        // The new part moves up behind the held one; when both do not fit
        // (a body as large as the buffer), the new part's last `held` bytes
        // are held in turn, so every write is still a full one.
        if held + amount <= output.len() {
            output.copy_within(..amount, held);
            output[..held].copy_from_slice(&self.held);
            self.held.clear();
            return self.inner.transmit_output(held + amount, timeout);
        }
        let keep = amount.min(held);
        let tail = output[amount - keep..amount].to_vec();
        output.copy_within(..amount - keep, held);
        output[..held].copy_from_slice(&self.held);
        self.held = tail;
        self.inner.transmit_output(held + amount - keep, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        // ureq reads the answer through here (`maybe_await_input` skips it
        // only when unread input is left, which a request never starts with:
        // the pool drops such connections).
        if !self.held.is_empty() {
            let amount = self.held.len();
            self.inner.buffers().output()[..amount].copy_from_slice(&self.held);
            self.held.clear();
            self.inner.transmit_output(amount, timeout)?;
        }
        self.just_read = true;
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        // Returned to the pool right after its answer (ureq has checked that
        // nothing unread is left in the buffer): the probe before the next
        // use, which always happens, sees what this one would have seen.
        if std::mem::take(&mut self.just_read) {
            return true;
        }
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}
