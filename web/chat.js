// The chat widget: a small accessible client of Rasa's socket.io channel (docs/accessibility.md
// says why it replaced rasa-webchat). It needs socket.io-client (served from this site) and
// window.BOT_CONFIG.socketUrl (config.js), and fills the element with id "webchat"; its
// data-title, data-subtitle, data-launcher (the chat button's text) and data-keep-visible (a
// selector for a part of the page the open chat must never cover, such as a safety note) set
// it up.
//
// Text is only ever set with textContent: nothing a person types or the bot sends is HTML.
// The conversation (session id and messages) lives in localStorage, so a reload keeps it.
(function () {
  "use strict";

  var STORE = "chat_session";
  var KEPT = 200; // messages kept across reloads; older ones are dropped
  var GREETING = "/greet";
  var URGENT_MARK = "⚠️"; // the bot starts its urgent advice with this sign
  var count = 0; // ids for message texts, which name their button groups

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(STORE));
      if (saved && Array.isArray(saved.messages)) return saved;
    } catch (error) {
      // unreadable or unavailable storage: start afresh
    }
    return { session_id: null, messages: [], open: false };
  }

  function Chat(root, options) {
    this.root = root;
    this.state = load();
    this.socket = null;
    this.confirmed = false;
    this.waiting = []; // user messages typed before the session was confirmed
    this.keepVisible = options.keepVisible ? document.querySelector(options.keepVisible) : null;
    this.build(options);
    this.state.messages.forEach(this.render, this); // before the panel shows: not announced
    if (this.state.open) this.open(false);
  }

  Chat.prototype.build = function (options) {
    var self = this;
    var panel = make("section", "cb-panel");
    panel.id = "cb-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "false"); // the page stays readable beside it
    panel.setAttribute("aria-labelledby", "cb-title");

    var header = make("div", "cb-header");
    var titles = make("div", "cb-titles");
    var title = make("h2", "cb-title", options.title);
    title.id = "cb-title";
    titles.appendChild(title);
    if (options.subtitle) titles.appendChild(make("p", "cb-subtitle", options.subtitle));
    var close = make("button", "cb-close", "Close"); // a word, not "×": its name is what shows
    close.type = "button";
    close.addEventListener("click", function () { self.close(); });
    header.append(titles, close);

    // role="log": a polite live region; each message is appended once, never re-rendered,
    // so a screen reader announces it once. Focusable, so it scrolls from the keyboard.
    var log = make("div", "cb-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-label", "Conversation");
    log.tabIndex = 0;

    var form = make("form", "cb-form");
    var label = make("label", "cb-hidden", "Your question");
    label.htmlFor = "cb-input";
    var input = make("input", "cb-input");
    input.id = "cb-input";
    input.type = "text";
    input.autocomplete = "off";
    input.placeholder = "Ask a question…";
    input.setAttribute("aria-describedby", "cb-hint");
    var send = make("button", "cb-send", "Send");
    send.type = "submit";
    form.append(label, input, send);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      input.value = "";
      self.say(text, text);
    });
    var hint = make("p", "cb-hint", "Enter sends. Esc closes the chat.");
    hint.id = "cb-hint";
    var status = make("p", "cb-status");
    status.setAttribute("role", "status");

    panel.append(header, log, form, status, hint);
    panel.addEventListener("keydown", function (event) { self.onKey(event); });

    var launcher = make("button", "cb-launcher", options.launcher);
    launcher.type = "button";
    launcher.setAttribute("aria-controls", "cb-panel");
    launcher.setAttribute("aria-expanded", "false");
    launcher.addEventListener("click", function () { self.open(true); });

    this.root.classList.add("cb");
    this.root.append(panel, launcher);
    this.panel = panel;
    this.log = log;
    this.input = input;
    this.status = status;
    this.launcher = launcher;
    this.firstFocus = close;
    this.lastFocus = send;

    if (this.keepVisible) {
      this.narrow = window.matchMedia("(max-width: 49.99rem)");
      var relayout = function () { self.layout(); };
      this.narrow.addEventListener("change", relayout);
      new ResizeObserver(relayout).observe(this.keepVisible);
    }
    if (window.visualViewport) {
      // An on-screen keyboard shrinks the visual viewport: keep the message box above it.
      var lift = function () {
        var vv = window.visualViewport;
        var zoomed = Math.abs(vv.scale - 1) > 0.01; // pinch zoom shrinks it too: not a keyboard
        var hidden = zoomed ? 0 : Math.max(0, window.innerHeight - vv.height - vv.offsetTop);
        document.documentElement.style.setProperty("--cb-keyboard", hidden + "px");
      };
      window.visualViewport.addEventListener("resize", lift);
      window.visualViewport.addEventListener("scroll", lift);
    }
  };

  // On a narrow screen the open panel fills the screen below the part of the page it must
  // not cover, which is pinned at the top; on a wide one the page makes room beside it.
  Chat.prototype.layout = function () {
    var root = document.documentElement;
    var pin = this.keepVisible && this.state.open && this.narrow.matches;
    if (this.keepVisible) this.keepVisible.classList.toggle("cb-pinned", pin);
    var top = pin ? this.keepVisible.getBoundingClientRect().height : 0;
    root.style.setProperty("--cb-top", top + "px");
  };

  Chat.prototype.open = function (focus) {
    this.state.open = true;
    this.save();
    document.documentElement.classList.add("cb-open");
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    this.layout();
    this.scrollDown();
    if (focus) this.input.focus();
    this.connect();
  };

  Chat.prototype.close = function () {
    this.state.open = false;
    this.save();
    document.documentElement.classList.remove("cb-open");
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    this.layout();
    this.launcher.focus();
  };

  // Esc closes; Tab goes round the open panel (the launcher is hidden while it is open).
  Chat.prototype.onKey = function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      this.close();
    } else if (event.key === "Tab") {
      var edge = event.shiftKey ? this.firstFocus : this.lastFocus;
      if (document.activeElement === edge) {
        event.preventDefault();
        (event.shiftKey ? this.lastFocus : this.firstFocus).focus();
      }
    }
  };

  Chat.prototype.connect = function () {
    if (this.socket) return;
    var self = this;
    var socket = window.io(window.BOT_CONFIG.socketUrl, { path: "/socket.io/" });
    this.socket = socket;
    socket.on("connect", function () {
      self.setStatus("");
      socket.emit("session_request", { session_id: self.state.session_id });
    });
    socket.on("disconnect", function () {
      self.confirmed = false;
      self.setStatus("Connection lost: reconnecting…");
    });
    socket.on("connect_error", function () {
      self.setStatus("Cannot reach the bot: retrying…");
    });
    socket.on("session_confirm", function (confirmed) {
      var id = typeof confirmed === "object" && confirmed ? confirmed.session_id : confirmed;
      if (id !== self.state.session_id) {
        // A session the server does not know (new, or signed with another secret): the
        // messages kept here belong to no conversation any more.
        self.state = { session_id: id, messages: [], open: self.state.open };
        self.log.textContent = "";
        self.save();
      }
      self.confirmed = true;
      if (!self.state.messages.length && !self.waiting.length) self.send(GREETING);
      self.waiting.splice(0).forEach(self.send, self);
    });
    socket.on("bot_uttered", function (message) { self.receive(message); });
  };

  Chat.prototype.setStatus = function (text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  };

  Chat.prototype.send = function (payload) {
    if (!this.confirmed) {
      this.waiting.push(payload);
      return;
    }
    this.socket.emit("user_uttered", { message: payload, session_id: this.state.session_id });
  };

  // What the person chose: `shown` in the conversation, `payload` to the bot.
  Chat.prototype.say = function (shown, payload) {
    this.add({ from: "user", text: shown });
    this.send(payload);
  };

  Chat.prototype.receive = function (message) {
    if (!message || typeof message !== "object") return;
    var text = typeof message.text === "string" ? message.text : "";
    var offered = message.quick_replies || message.buttons;
    var buttons = (Array.isArray(offered) ? offered : [])
      .filter(function (b) { return b && typeof b.title === "string" && b.payload != null; })
      .map(function (b) { return { title: b.title, payload: String(b.payload) }; });
    if (!text && !buttons.length) return; // images, custom payloads: not used by this bot
    this.add({ from: "bot", text: text, buttons: buttons });
  };

  Chat.prototype.add = function (message) {
    this.state.messages.push(message);
    this.state.messages = this.state.messages.slice(-KEPT);
    this.save();
    this.render(message);
    this.scrollDown();
  };

  Chat.prototype.render = function (message) {
    var self = this;
    var bot = message.from === "bot";
    var item = make("div", "cb-message " + (bot ? "cb-bot" : "cb-user"));
    var text = message.text || "";
    var urgent = bot && text.indexOf(URGENT_MARK) === 0;
    if (urgent) item.classList.add("cb-urgent");
    // Who speaks, for screen readers; the bubbles' sides and colours say it on screen.
    item.appendChild(make("span", "cb-hidden", bot ? "Bot: " : "You: "));
    var body = make("p", "cb-text");
    body.id = "cb-m" + ++count;
    if (urgent) body.appendChild(make("strong", "cb-flag", "Urgent advice"));
    body.appendChild(document.createTextNode(text));
    item.appendChild(body);
    if (bot && Array.isArray(message.buttons) && message.buttons.length) {
      // Each message's buttons are a group under it, named by that message.
      var group = make("div", "cb-replies");
      group.setAttribute("role", "group");
      group.setAttribute("aria-labelledby", body.id);
      message.buttons.forEach(function (b) {
        var button = make("button", "cb-reply", b.title);
        button.type = "button";
        button.addEventListener("click", function () { self.say(b.title, b.payload); });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    this.log.appendChild(item);
  };

  Chat.prototype.scrollDown = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  Chat.prototype.save = function () {
    try {
      localStorage.setItem(STORE, JSON.stringify(this.state));
    } catch (error) {
      // storage full or refused: the conversation still works, it just will not survive a reload
    }
  };

  var root = document.getElementById("webchat");
  if (root) {
    window.chatWidget = new Chat(root, {
      title: root.dataset.title || "Chat",
      subtitle: root.dataset.subtitle || "",
      launcher: root.dataset.launcher || "Open the chat",
      keepVisible: root.dataset.keepVisible || "",
    });
  }
})();
