// Block Kit to HTML for messages and modals. Interactive elements carry data-* attributes;
// app.js handles their clicks by delegation, so re-rendering never loses a listener.
import { escapeHtml, renderMrkdwn } from './render-mrkdwn.js';

function textObject(obj, ctx) {
  if (!obj) return '';
  if (typeof obj === 'string') return renderMrkdwn(obj, ctx);
  return renderMrkdwn(obj.text ?? '', ctx, obj.type === 'plain_text');
}

function plain(obj) {
  return escapeHtml(typeof obj === 'string' ? obj : (obj?.text ?? ''));
}

function button(el, where) {
  const style = el.style === 'primary' || el.style === 'danger' ? ` btn-${el.style}` : '';
  return `<button class="btn${style}" data-testid="button-${escapeHtml(el.action_id ?? '')}"
    data-action-id="${escapeHtml(el.action_id ?? '')}" data-value="${escapeHtml(el.value ?? '')}"
    ${where.ts ? `data-message-ts="${escapeHtml(where.ts)}" data-channel="${escapeHtml(where.channel)}"` : 'disabled'}
    ${el.url ? `data-url="${escapeHtml(el.url)}"` : ''}>${plain(el.text)}</button>`;
}

function element(el, ctx, where) {
  switch (el.type) {
    case 'button':
      return button(el, where);
    case 'image':
      return `<img class="accessory-image" src="${escapeHtml(el.image_url ?? '')}" alt="${escapeHtml(el.alt_text ?? '')}">`;
    case 'static_select':
    case 'overflow':
      return `<select class="select" disabled><option>${plain(el.placeholder ?? { text: 'Select…' })}</option></select>`;
    default:
      return `<span class="unsupported">[${escapeHtml(el.type)}]</span>`;
  }
}

function richText(block, ctx) {
  const inline = (els) =>
    (els ?? [])
      .map((e) => {
        if (e.type === 'text') {
          let t = escapeHtml(e.text).replace(/\n/g, '<br>');
          if (e.style?.code) t = `<code>${t}</code>`;
          if (e.style?.bold) t = `<b>${t}</b>`;
          if (e.style?.italic) t = `<i>${t}</i>`;
          return t;
        }
        if (e.type === 'link')
          return `<a href="${escapeHtml(e.url)}" target="_blank" rel="noopener">${escapeHtml(e.text ?? e.url)}</a>`;
        if (e.type === 'user') return renderMrkdwn(`<@${e.user_id}>`, ctx);
        if (e.type === 'emoji') return renderMrkdwn(`:${e.name}:`, ctx);
        return '';
      })
      .join('');
  return (block.elements ?? [])
    .map((s) => {
      if (s.type === 'rich_text_preformatted')
        return `<pre class="code-block">${inline(s.elements)}</pre>`;
      if (s.type === 'rich_text_quote') return `<span class="quote">${inline(s.elements)}</span>`;
      if (s.type === 'rich_text_list')
        return `<ul>${(s.elements ?? []).map((li) => `<li>${inline(li.elements)}</li>`).join('')}</ul>`;
      return `<div>${inline(s.elements)}</div>`;
    })
    .join('');
}

function block(b, ctx, where) {
  switch (b.type) {
    case 'header':
      return `<div class="b-header">${plain(b.text)}</div>`;
    case 'section': {
      const text = b.text ? `<div class="b-text">${textObject(b.text, ctx)}</div>` : '';
      const fields = b.fields?.length
        ? `<div class="b-fields">${b.fields.map((f) => `<div class="b-field">${textObject(f, ctx)}</div>`).join('')}</div>`
        : '';
      const accessory = b.accessory
        ? `<div class="b-accessory">${element(b.accessory, ctx, where)}</div>`
        : '';
      return `<div class="b-section"><div class="b-section-main">${text}${fields}</div>${accessory}</div>`;
    }
    case 'context':
      return `<div class="b-context">${(b.elements ?? [])
        .map((e) =>
          e.type === 'image'
            ? `<img src="${escapeHtml(e.image_url)}" alt="${escapeHtml(e.alt_text ?? '')}">`
            : `<span>${textObject(e, ctx)}</span>`,
        )
        .join('')}</div>`;
    case 'divider':
      return '<hr class="b-divider">';
    case 'actions':
      return `<div class="b-actions">${(b.elements ?? []).map((e) => element(e, ctx, where)).join('')}</div>`;
    case 'image':
      return `<figure class="b-image">${b.title ? `<figcaption>${plain(b.title)}</figcaption>` : ''}<img src="${escapeHtml(b.image_url ?? '')}" alt="${escapeHtml(b.alt_text ?? '')}"></figure>`;
    case 'rich_text':
      return `<div class="b-rich">${richText(b, ctx)}</div>`;
    case 'markdown':
      return `<div class="b-text">${renderMrkdwn(b.text ?? '', ctx)}</div>`;
    default:
      return `<div class="unsupported">[unsupported block: ${escapeHtml(b.type)}]</div>`;
  }
}

/** A message's blocks; `where` ({ channel, ts }) makes its buttons clickable. */
export function renderBlocks(blocks, ctx, where = {}) {
  return blocks.map((b) => block(b, ctx, where)).join('');
}

function inputElement(b, value) {
  const el = b.element ?? {};
  const id = `${b.block_id}--${el.action_id}`;
  const data = `data-block-id="${escapeHtml(b.block_id)}" data-action-id="${escapeHtml(el.action_id ?? '')}" data-testid="modal-input-${escapeHtml(b.block_id)}"`;
  const options = el.options ?? (el.option_groups ?? []).flatMap((g) => g.options ?? []);
  const initial = value ?? el.initial_value ?? el.initial_option?.value ?? '';
  switch (el.type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input': {
      const placeholder = el.placeholder ? ` placeholder="${plain(el.placeholder)}"` : '';
      if (el.multiline)
        return `<textarea id="${escapeHtml(id)}" class="input" rows="4" ${data}${placeholder}>${escapeHtml(initial)}</textarea>`;
      return `<input id="${escapeHtml(id)}" class="input" type="text" ${data}${placeholder} value="${escapeHtml(initial)}">`;
    }
    case 'static_select':
      return `<select id="${escapeHtml(id)}" class="input" ${data}><option value="">${plain(el.placeholder ?? { text: 'Select an option' })}</option>${options
        .map(
          (o) =>
            `<option value="${escapeHtml(o.value)}" ${o.value === initial ? 'selected' : ''}>${plain(o.text)}</option>`,
        )
        .join('')}</select>`;
    case 'radio_buttons':
    case 'checkboxes': {
      const type = el.type === 'radio_buttons' ? 'radio' : 'checkbox';
      const chosen = String(initial).split(',');
      return `<div class="choices" ${data} data-kind="${type}">${options
        .map(
          (
            o,
          ) => `<label class="choice"><input type="${type}" name="${escapeHtml(id)}" value="${escapeHtml(o.value)}" ${chosen.includes(o.value) ? 'checked' : ''}
            data-testid="modal-option-${escapeHtml(b.block_id)}-${escapeHtml(o.value)}"> ${plain(o.text)}</label>`,
        )
        .join('')}</div>`;
    }
    default:
      return `<div class="unsupported" ${data}>[unsupported input: ${escapeHtml(el.type)}]</div>`;
  }
}

/** A modal's blocks: inputs with labels, hints and the field errors the bot returned. */
export function renderModalBlocks(blocks, ctx, errors, values) {
  return blocks
    .map((b) => {
      if (b.type !== 'input') return block(b, ctx, {});
      const error = errors[b.block_id];
      return `<div class="field ${error ? 'has-error' : ''}">
        <label class="field-label">${plain(b.label)}${b.optional ? ' <span class="optional">(optional)</span>' : ''}</label>
        ${inputElement(b, values[b.block_id])}
        ${b.hint ? `<div class="field-hint">${plain(b.hint)}</div>` : ''}
        ${error ? `<div class="field-error" data-testid="modal-error-${escapeHtml(b.block_id)}">${escapeHtml(error)}</div>` : ''}
      </div>`;
    })
    .join('');
}
