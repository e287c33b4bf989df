import CNghttp2

/// The C callbacks every session shares; each finds its `H2Connection` in the session's
/// user-data pointer (the connection owns the session and deletes it before it goes), and a
/// stream by its id through the connection.
final class H2Callbacks: @unchecked Sendable {
    // @unchecked: built once, never changed; nghttp2 copies it into each session.
    static let shared = H2Callbacks()

    let callbacks: OpaquePointer

    private init() {
        var cbs: OpaquePointer?
        nghttp2_session_callbacks_new(&cbs)
        callbacks = cbs!
        nghttp2_session_callbacks_set_on_header_callback(callbacks, Self.onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, Self.onFrameRecv)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, Self.onDataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, Self.onStreamClose)
        nghttp2_session_callbacks_set_on_begin_frame_callback(callbacks, Self.onBeginFrame)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, Self.onFrameSend)
    }

    private static func connection(_ user: UnsafeMutableRawPointer?) -> H2Connection {
        Unmanaged<H2Connection>.fromOpaque(user!).takeUnretainedValue()
    }

    private static let onHeader: nghttp2_on_header_callback = { _, frame, name, namelen, value, valuelen, _, user in
        guard let frame, let name, let value else { return 0 }
        // Called for every header field: the connection is used without the retain and
        // release `takeUnretainedValue` costs (the session's owner is alive while it runs).
        Unmanaged<H2Connection>.fromOpaque(user!)._withUnsafeGuaranteedRef {
            $0.onHeader(streamID: frame.pointee.hd.stream_id,
                        name: UnsafeBufferPointer(start: name, count: namelen),
                        value: UnsafeBufferPointer(start: value, count: valuelen))
        }
        return 0
    }

    /// Every frame received, CONTINUATION frames too (which `onFrameRecv` never sees): its bytes
    /// go to the connection's count until a stream takes them (`H2Connection.unchargedReceived`).
    private static let onBeginFrame: nghttp2_on_begin_frame_callback = { _, hd, user in
        guard let hd else { return 0 }
        Unmanaged<H2Connection>.fromOpaque(user!)._withUnsafeGuaranteedRef {
            $0.unchargedReceived &+= H2Connection.frameHeaderSize &+ hd.pointee.length
        }
        return 0
    }

    private static let onFrameSend: nghttp2_on_frame_send_callback = { _, frame, user in
        guard let frame else { return 0 }
        Unmanaged<H2Connection>.fromOpaque(user!)._withUnsafeGuaranteedRef {
            $0.onFrameSent(streamID: frame.pointee.hd.stream_id, type: frame.pointee.hd.type, length: frame.pointee.hd.length)
        }
        return 0
    }

    private static let onFrameRecv: nghttp2_on_frame_recv_callback = { _, frame, user in
        guard let frame else { return 0 }
        switch UInt32(frame.pointee.hd.type) {
        case NGHTTP2_HEADERS.rawValue:
            connection(user).onHeadersFrame(streamID: frame.pointee.hd.stream_id)
        case NGHTTP2_SETTINGS.rawValue:
            if frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0 { connection(user).onSettings() }
        case NGHTTP2_GOAWAY.rawValue:
            connection(user).onGoAway(lastStreamID: frame.pointee.goaway.last_stream_id,
                                      errorCode: frame.pointee.goaway.error_code)
        default:
            break
        }
        return 0
    }

    private static let onDataChunk: nghttp2_on_data_chunk_recv_callback = { _, _, streamID, data, len, user in
        guard let data else { return 0 }
        connection(user).onData(streamID: streamID, bytes: UnsafeRawBufferPointer(start: data, count: len))
        return 0
    }

    private static let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, user in
        connection(user).onStreamClose(streamID: streamID, errorCode: errorCode)
        return 0
    }

    /// Feeds a request body to nghttp2 as flow control allows; the stream is found by id.
    static let readBody: nghttp2_data_source_read_callback = { _, streamID, buf, length, flags, _, user in
        guard let buf, let flags else { return 0 }
        guard let stream = connection(user).stream(streamID) else {
            return ssize_t(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)   // reset meanwhile: fail that stream only
        }
        let body = stream.request.body
        let n = min(length, stream.releasedEnd - stream.bodyOffset)
        if n <= 0 && stream.bodyOffset < body.count {
            // A paced body whose next message is not due: its release timer resumes it.
            stream.deferred = true
            return ssize_t(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        body.withUnsafeBytes { src in
            UnsafeMutableRawPointer(buf).copyMemory(from: src.baseAddress! + stream.bodyOffset, byteCount: n)
        }
        stream.bodyOffset += n
        if stream.bodyOffset == body.count { flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue }
        return n
    }
}
