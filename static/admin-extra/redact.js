/*
 * Black out areas of a screenshot before it is uploaded (the widget is
 * templates/admin/widgets/screenshot_upload.html).
 *
 * The chosen file is shown as a preview with a canvas on top whose size is the image's own
 * size in pixels, upright as the browser shows it (the server applies the EXIF orientation the
 * same way before it blacks out). Boxes are [left, top, right, bottom] in those pixels, written
 * as JSON into the form's hidden field named like the file input with "redactions" for
 * "upload". Without this script the upload works, without redaction.
 */
"use strict";
(function () {
    const editors = new WeakMap();
    const MIN_SIZE = 4;

    function hiddenFieldFor(input) {
        const name = input.name.replace(/upload(_[A-Za-z-]+)?$/, "redactions$1");
        return input.form ? input.form.elements.namedItem(name) : null;
    }

    function clamp(value, low, high) {
        return Math.max(low, Math.min(high, value));
    }

    function normalised(box, width, height) {
        const left = clamp(Math.round(Math.min(box[0], box[2])), 0, width);
        const right = clamp(Math.round(Math.max(box[0], box[2])), 0, width);
        const top = clamp(Math.round(Math.min(box[1], box[3])), 0, height);
        const bottom = clamp(Math.round(Math.max(box[1], box[3])), 0, height);
        return [left, top, right, bottom];
    }

    class Editor {
        constructor(input) {
            this.input = input;
            this.hidden = hiddenFieldFor(input);
            this.panel = input.closest(".screenshot-upload").querySelector(".redaction");
            this.status = this.panel.querySelector(".redaction-status");
            this.boxes = [];
            this.drag = null;
            this.frame = null;
            this.stage = null;
        }

        open(file) {
            this.close();
            if (!file || !this.hidden) {
                return;
            }
            const reader = new FileReader();
            reader.addEventListener("load", () => this.show(reader.result));
            reader.readAsDataURL(file);
        }

        close() {
            if (this.stage) {
                this.stage.remove();
                this.stage = null;
            }
            this.boxes = [];
            this.panel.hidden = true;
            this.sync();
        }

        show(url) {
            const stage = document.createElement("div");
            stage.className = "redaction-stage";
            const image = document.createElement("img");
            image.alt = "";
            const canvas = document.createElement("canvas");
            canvas.tabIndex = 0;
            canvas.setAttribute("role", "img");
            canvas.setAttribute("aria-label", this.panel.dataset.label);
            stage.append(image, canvas);
            image.addEventListener("load", () => {
                canvas.width = image.naturalWidth;
                canvas.height = image.naturalHeight;
                const width = Math.round(canvas.width / 4);
                const height = Math.round(canvas.height / 8);
                this.frame = [0, 0, width, height];
                this.panel.hidden = false;
                this.draw();
            });
            // A file the browser cannot show (the server refuses it anyway): no redaction.
            image.addEventListener("error", () => this.close());
            this.listen(canvas);
            this.canvas = canvas;
            this.stage = stage;
            this.panel.prepend(stage);
            image.src = url;
        }

        listen(canvas) {
            canvas.addEventListener("pointerdown", (event) => {
                canvas.setPointerCapture(event.pointerId);
                const point = this.point(event);
                this.drag = [...point, ...point];
            });
            canvas.addEventListener("pointermove", (event) => {
                if (this.drag) {
                    this.drag.splice(2, 2, ...this.point(event));
                    this.draw();
                }
            });
            canvas.addEventListener("pointerup", () => {
                if (this.drag) {
                    this.add(this.drag);
                    this.drag = null;
                }
            });
            canvas.addEventListener("keydown", (event) => this.key(event));
            canvas.addEventListener("focus", () => this.draw());
            canvas.addEventListener("blur", () => this.draw());
        }

        point(event) {
            const rect = this.canvas.getBoundingClientRect();
            return [
                ((event.clientX - rect.left) * this.canvas.width) / rect.width,
                ((event.clientY - rect.top) * this.canvas.height) / rect.height,
            ];
        }

        key(event) {
            const moves = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};
            const {width, height} = this.canvas;
            const step = Math.max(1, Math.round(Math.max(width, height) / 50));
            const frame = this.frame;
            if (event.key in moves) {
                const [dx, dy] = moves[event.key].map((value) => value * step);
                if (event.shiftKey) {
                    frame[2] = clamp(frame[2] + dx, frame[0] + MIN_SIZE, width);
                    frame[3] = clamp(frame[3] + dy, frame[1] + MIN_SIZE, height);
                } else {
                    const x = clamp(frame[0] + dx, 0, width - (frame[2] - frame[0]));
                    const y = clamp(frame[1] + dy, 0, height - (frame[3] - frame[1]));
                    this.frame = [x, y, x + frame[2] - frame[0], y + frame[3] - frame[1]];
                }
            } else if (event.key === "Enter") {
                this.add(frame);
            } else if (event.key === "Delete" || event.key === "Backspace") {
                this.boxes.pop();
                this.sync();
            } else {
                return;
            }
            event.preventDefault();
            this.draw();
        }

        add(box) {
            const {width, height} = this.canvas;
            const clean = normalised(box, width, height);
            if (clean[2] - clean[0] >= MIN_SIZE && clean[3] - clean[1] >= MIN_SIZE) {
                this.boxes.push(clean);
            }
            this.sync();
            this.draw();
        }

        clear() {
            this.boxes = [];
            this.sync();
            this.draw();
        }

        sync() {
            if (this.hidden) {
                this.hidden.value = this.boxes.length ? JSON.stringify(this.boxes) : "";
            }
            this.status.textContent = `${this.status.dataset.text} ${this.boxes.length}`;
        }

        draw() {
            const canvas = this.canvas;
            if (!canvas) {
                return;
            }
            const context = canvas.getContext("2d");
            const scale = canvas.width / Math.max(1, canvas.getBoundingClientRect().width);
            context.clearRect(0, 0, canvas.width, canvas.height);
            context.fillStyle = "#000";
            for (const [left, top, right, bottom] of this.boxes) {
                context.fillRect(left, top, right - left, bottom - top);
            }
            const outline = this.drag || (document.activeElement === canvas ? this.frame : null);
            if (outline) {
                const [left, top, right, bottom] = normalised(outline, canvas.width, canvas.height);
                context.lineWidth = 3 * scale;
                context.setLineDash([8 * scale, 4 * scale]);
                context.strokeStyle = "#fff";
                context.strokeRect(left, top, right - left, bottom - top);
                context.strokeStyle = "#d00";
                context.lineDashOffset = 8 * scale;
                context.strokeRect(left, top, right - left, bottom - top);
                context.lineDashOffset = 0;
                context.setLineDash([]);
            }
        }
    }

    function editorFor(input) {
        if (!editors.has(input)) {
            editors.set(input, new Editor(input));
        }
        return editors.get(input);
    }

    document.addEventListener("change", (event) => {
        const input = event.target;
        if (input.matches && input.matches("input[type=file][data-redact]")) {
            editorFor(input).open(input.files[0]);
        }
    });

    document.addEventListener("click", (event) => {
        const button = event.target.closest && event.target.closest(".redaction-clear");
        if (button) {
            const input = button.closest(".screenshot-upload").querySelector("input[data-redact]");
            editorFor(input).clear();
        }
    });

    document.addEventListener("DOMContentLoaded", () => {
        // After a refused save the browser has forgotten the file, so its boxes mean nothing.
        for (const input of document.querySelectorAll("input[type=file][data-redact]")) {
            const hidden = hiddenFieldFor(input);
            if (hidden && !input.files.length) {
                hidden.value = "";
            }
        }
    });
})();
