// The widget's words: English, and German for browsers that prefer it.

const en = {
  open: 'Open chat',
  close: 'Close chat',
  minimize: 'Minimize chat',
  chat: 'Chat',
  online: 'We are online. Ask us anything.',
  away: 'We are away right now. Leave your email and we will get back to you.',
  backAt: 'We are back {when}. Leave your email and we will get back to you.',
  closed: 'We are closed right now. Leave your email and we will get back to you.',
  email: 'Your email',
  name: 'Your name',
  message: 'Message',
  messages: 'Messages',
  send: 'Send',
  you: 'You',
  typing: '{name} is typing…',
  unread: '{n} unread messages',
  sending: 'Sending…',
  slow: 'You are sending messages a little fast. Please wait {s} seconds, then try again.',
  failed: 'Your message could not be sent. Please check your connection and try again.',
  refused: 'This chat is only available to signed-in users.',
  badEmail: 'Please enter a valid email address.',
  reconnecting: 'Reconnecting…',
  rateTitle: 'How did we do?',
  rateComment: 'Comment (optional)',
  rateSend: 'Send rating',
  rateChoose: 'Choose a rating from 1 to 5 first.',
  rateThanks: 'Thank you for your rating!',
  rateExpired: 'This survey is closed.',
  attach: 'Attach files',
  attached: 'Files to send',
  removeFile: 'Remove {name}',
  tooMany: 'At most {n} files per message.',
  tooBig: 'A file may be at most {mb} MB.',
  empty: 'This file is empty.',
  tooMuch: 'The files of one message may total at most {total} MB.',
  uploadFailed: 'A file could not be uploaded. Please try again.',
};

type Words = typeof en;

const de: Words = {
  open: 'Chat öffnen',
  close: 'Chat schließen',
  minimize: 'Chat minimieren',
  chat: 'Chat',
  online: 'Wir sind online. Fragen Sie uns gern.',
  away: 'Wir sind gerade nicht da. Hinterlassen Sie Ihre E-Mail-Adresse, wir melden uns.',
  backAt: 'Wir sind {when} wieder da. Hinterlassen Sie Ihre E-Mail-Adresse, wir melden uns.',
  closed: 'Wir haben gerade geschlossen. Hinterlassen Sie Ihre E-Mail-Adresse, wir melden uns.',
  email: 'Ihre E-Mail-Adresse',
  name: 'Ihr Name',
  message: 'Nachricht',
  messages: 'Nachrichten',
  send: 'Senden',
  you: 'Sie',
  typing: '{name} schreibt…',
  unread: '{n} ungelesene Nachrichten',
  sending: 'Wird gesendet…',
  slow: 'Sie senden etwas schnell. Bitte warten Sie {s} Sekunden und versuchen Sie es dann erneut.',
  failed: 'Ihre Nachricht konnte nicht gesendet werden. Bitte prüfen Sie die Verbindung und versuchen Sie es erneut.',
  refused: 'Dieser Chat steht nur angemeldeten Nutzern zur Verfügung.',
  badEmail: 'Bitte geben Sie eine gültige E-Mail-Adresse ein.',
  reconnecting: 'Verbindung wird wiederhergestellt…',
  rateTitle: 'Wie war unser Service?',
  rateComment: 'Kommentar (optional)',
  rateSend: 'Bewertung senden',
  rateChoose: 'Bitte wählen Sie zuerst eine Bewertung von 1 bis 5.',
  rateThanks: 'Vielen Dank für Ihre Bewertung!',
  rateExpired: 'Diese Umfrage ist geschlossen.',
  attach: 'Dateien anhängen',
  attached: 'Zu sendende Dateien',
  removeFile: '{name} entfernen',
  tooMany: 'Höchstens {n} Dateien pro Nachricht.',
  tooBig: 'Eine Datei darf höchstens {mb} MB groß sein.',
  empty: 'Diese Datei ist leer.',
  tooMuch: 'Die Dateien einer Nachricht dürfen zusammen höchstens {total} MB groß sein.',
  uploadFailed: 'Eine Datei konnte nicht hochgeladen werden. Bitte versuchen Sie es erneut.',
};

/** The words for the browser's first supported language. */
export function words(languages: readonly string[]): Words {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'de') return de;
    if (base === 'en') return en;
  }
  return en;
}

/** `{name}`-style placeholders filled in. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));
}

export type { Words };
