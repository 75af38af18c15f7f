// Opens the chat widget (rasa-webchat, served from this site) on Rasa's socket.io channel.
// The session id lives in localStorage, so a reload keeps the conversation.
window.WebChat.default(
  {
    selector: "#webchat",
    socketUrl: window.BOT_CONFIG.socketUrl,
    socketPath: "/socket.io/",
    initPayload: "/greet",
    title: "Cervical insufficiency",
    subtitle: "Answers from the MSD Manual article",
    inputTextFieldHint: "Ask a question…",
    params: { storage: "local" },
    showMessageDate: false,
  },
  null
);
