// The WebRTC implementation the bench's subscribers run, installed as the browser globals
// mediasoup-client uses (RTCPeerConnection, MediaStream...), so that the subscribers run the
// product's own client path (mediasoup-client's Chrome111 handler, our SignalingClient):
//
// - "werift" (default): a complete WebRTC stack in TypeScript — ICE, DTLS, SRTP, RTCP
//   (receiver reports, NACK, PLI) and transport-cc feedback — that does not decode video.
//   That is what lets one core carry hundreds of subscriber streams.
// - "wrtc": @roamhq/wrtc, Chrome's libwebrtc for Node. The real browser engine, but it
//   decodes every VP8 frame it receives (even with no sink attached): about 2.5 % of a
//   core per 640x360 stream here, i.e. ~40 streams per core. Good to check that frames
//   decode; far too heavy to put 1 000 consumers on the one core the subscribers get.
export type StackName = "werift" | "wrtc";

export async function installWebRtcStack(stack: StackName): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  if (stack === "wrtc") {
    const wrtc = (await import("@roamhq/wrtc")).default;
    g.RTCPeerConnection = wrtc.RTCPeerConnection;
    g.RTCSessionDescription = wrtc.RTCSessionDescription;
    g.RTCIceCandidate = wrtc.RTCIceCandidate;
    g.MediaStream = wrtc.MediaStream;
    g.MediaStreamTrack = wrtc.MediaStreamTrack;
    return;
  }
  const w = await import("werift");
  const twccVideo = () => w.useVP8({ rtcpFeedback: [w.useNACK(), w.usePLI(), w.useTWCC()] });
  // What a browser offers: transport-cc on every stream, MID, abs-send-time; no STUN servers
  // (loopback only) and only the loopback interface.
  class LoopbackPeerConnection extends w.RTCPeerConnection {
    constructor(config: Record<string, unknown> = {}) {
      super({
        ...config,
        iceServers: [],
        iceUseIpv6: false,
        iceInterfaceAddresses: { udp4: "127.0.0.1" },
        codecs: { audio: [w.useOPUS()], video: [twccVideo()] },
        headerExtensions: {
          audio: [w.useSdesMid(), w.useTransportWideCC()],
          video: [w.useSdesMid(), w.useTransportWideCC(), w.useAbsSendTime()],
        },
      } as never);
    }
  }
  g.RTCPeerConnection = LoopbackPeerConnection;
  g.RTCSessionDescription = w.RTCSessionDescription;
  g.MediaStream = w.MediaStream;
  g.MediaStreamTrack = w.MediaStreamTrack;
}
