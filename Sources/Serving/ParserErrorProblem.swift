import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// A request SwiftNIO's HTTP/1 parser cannot read (a method it has never heard of, `FOO`; a broken request
/// line or header) never reaches the routes: Hummingbird would answer a bare 400. This handler, placed after
/// the parser, answers it as every other error is answered, RFC 9457 problem+json, then closes the connection
/// (the stream cannot be trusted past the error).
public final class ParserErrorProblem: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundOut = HTTPResponsePart

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let parse = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        let reason = parse == .invalidMethod ? "the method is not one HTTP/1.1 knows" : "the request could not be read as HTTP/1.1 (\(parse))"
        let problem = Problem(status: 400, title: "Bad Request", detail: reason)
        let head = HTTPResponse(status: .badRequest, headerFields: [
            .contentType: Problem.contentType, .contentLength: String(problem.json.count), .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: problem.json))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
