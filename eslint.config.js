import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "data/**", "migrations/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: "Only src/config and the entry points read process.env." },
      ],
    },
  },
  {
    files: ["src/config/**", "src/main.ts", "src/cli.ts", "tests/**", "bench/**", "*.ts", "*.js"],
    rules: { "no-restricted-syntax": "off" },
  },
);
