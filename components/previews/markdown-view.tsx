import type { ReactNode } from "react";
import { parseMarkdown, type Inline } from "@/lib/outputs/markdown";
import styles from "./previews.module.css";

function inline(nodes: Inline[]): ReactNode[] {
  return nodes.map((node, i) => {
    switch (node.type) {
      case "text":
        return node.text;
      case "code":
        return <code key={i}>{node.text}</code>;
      case "strong":
        return <strong key={i}>{inline(node.children)}</strong>;
      case "em":
        return <em key={i}>{inline(node.children)}</em>;
      case "link":
        return (
          <a key={i} href={node.href} rel="noopener noreferrer nofollow" target="_blank">
            {inline(node.children)}
          </a>
        );
    }
  });
}

/** Markdown as React elements (lib/outputs/markdown.ts): HTML in the file is shown as text. */
export function MarkdownView({ text }: { text: string }) {
  return (
    <div className={styles.markdown}>
      {parseMarkdown(text).map((block, i) => {
        switch (block.type) {
          case "heading": {
            const Tag = `h${Math.min(block.level + 2, 6)}` as "h3";
            return <Tag key={i}>{inline(block.children)}</Tag>;
          }
          case "paragraph":
            return <p key={i}>{inline(block.children)}</p>;
          case "code":
            return (
              <pre key={i}>
                <code>{block.text}</code>
              </pre>
            );
          case "quote":
            return <blockquote key={i}>{inline(block.children)}</blockquote>;
          case "rule":
            return <hr key={i} />;
          case "list": {
            const List = block.ordered ? "ol" : "ul";
            return (
              <List key={i}>
                {block.items.map((item, j) => (
                  <li key={j}>{inline(item)}</li>
                ))}
              </List>
            );
          }
        }
      })}
    </div>
  );
}
