// keyward console: the only script (the CSP forbids inline ones). Pages work without it;
// it adds the copy button for a newly generated key.
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    const status = document.getElementById(`${button.dataset.copy}-status`);
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      if (status) status.textContent = 'Copied to the clipboard.';
    } catch {
      // Clipboard access needs a secure context (https or localhost): select it instead.
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (status) status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  });
}
