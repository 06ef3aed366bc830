// parse_distribution: the text form of the laws. Grammar (whitespace allowed between tokens):
//   distribution := quantity | name '(' [argument {',' argument}] ')'
//   argument     := value | name '=' value
// Positional arguments come first and fill the parameters in order; named ones fill the rest.
// lognormal has two parameter sets and takes named arguments only. empirical takes one file
// name (no ',' or ')' in it). Parentheses nest: a ',' or ')' inside an argument's own
// parentheses does not end it.
#include "sim/dist/distribution.hpp"

#include <span>
#include <string>
#include <vector>

#include "sim/core/text.hpp"
#include "sim/dist/law_checks.hpp"
#include "sim/dist/sample_file.hpp"

namespace sdsim {
namespace {

using Values = std::span<const double>;

struct Param {
  std::string_view name;
  bool plain_number;  // read as kNumber (erlang k, gamma shape, cv), else in the law's dimension
};

// One parameter set of a law, with its check and factory taking values in `params` order.
struct Form {
  std::vector<Param> params;
  ArgumentCheck (*check)(Values, Dimension);
  std::unique_ptr<Distribution> (*make)(Values, Dimension);
};

struct Law {
  // kParameters: numeric parameters as in `forms`. kFile: one file name (empirical).
  enum class Kind { kParameters, kFile };
  std::string_view name;
  std::string_view usage;  // for messages: "exp(mean)"
  bool named_only;
  std::vector<Form> forms;
  Kind kind = Kind::kParameters;
};

const std::vector<Law>& laws() {
  static const std::vector<Law> kLaws = {
      {"const",
       "const(value)",
       false,
       {{{{"value", false}},
         [](Values v, Dimension d) { return check_constant(v[0], d); },
         [](Values v, Dimension d) { return make_constant(v[0], d); }}}},
      {"exp",
       "exp(mean)",
       false,
       {{{{"mean", false}},
         [](Values v, Dimension d) { return check_exponential(v[0], d); },
         [](Values v, Dimension d) { return make_exponential(v[0], d); }}}},
      {"uniform",
       "uniform(a, b)",
       false,
       {{{{"a", false}, {"b", false}},
         [](Values v, Dimension d) { return check_uniform(v[0], v[1], d); },
         [](Values v, Dimension d) { return make_uniform(v[0], v[1], d); }}}},
      {"erlang",
       "erlang(k, mean)",
       false,
       {{{{"k", true}, {"mean", false}},
         [](Values v, Dimension d) { return check_erlang(v[0], v[1], d); },
         [](Values v, Dimension d) { return make_erlang(static_cast<int>(v[0]), v[1], d); }}}},
      {"gamma",
       "gamma(shape, mean)",
       false,
       {{{{"shape", true}, {"mean", false}},
         [](Values v, Dimension d) { return check_gamma(v[0], v[1], d); },
         [](Values v, Dimension d) { return make_gamma(v[0], v[1], d); }}}},
      {"lognormal",
       "lognormal(median=.., p99=..) or lognormal(mean=.., cv=..)",
       true,
       {{{{"median", false}, {"p99", false}},
         [](Values v, Dimension d) { return check_lognormal_median_p99(v[0], v[1], d); },
         [](Values v, Dimension d) { return make_lognormal_median_p99(v[0], v[1], d); }},
        {{{"mean", false}, {"cv", true}},
         [](Values v, Dimension d) { return check_lognormal_mean_cv(v[0], v[1], d); },
         [](Values v, Dimension d) { return make_lognormal_mean_cv(v[0], v[1], d); }}}},
      {"hyperexp",
       "hyperexp(mean, cv)",
       false,
       {{{{"mean", false}, {"cv", true}},
         [](Values v, Dimension d) { return check_hyperexp(v[0], v[1], d); },
         [](Values v, Dimension d) { return make_hyperexp(v[0], v[1], d); }}}},
      {"normal",
       "normal(mean, sd)",
       false,
       {{{{"mean", false}, {"sd", false}},
         [](Values v, Dimension d) { return check_normal(v[0], v[1], d); },
         [](Values v, Dimension d) { return make_normal(v[0], v[1], d); }}}},
      {"pareto",
       "pareto(alpha, min)",
       false,
       {{{{"alpha", true}, {"min", false}},
         [](Values v, Dimension d) { return check_pareto(v[0], v[1], d); },
         [](Values v, Dimension d) { return make_pareto(v[0], v[1], d); }}}},
      {"weibull",
       "weibull(shape, mean)",
       false,
       {{{{"shape", true}, {"mean", false}},
         [](Values v, Dimension d) { return check_weibull(v[0], v[1], d); },
         [](Values v, Dimension d) { return make_weibull(v[0], v[1], d); }}}},
      {"empirical", "empirical(file.csv)", false, {}, Law::Kind::kFile},
  };
  return kLaws;
}

// One argument as written; offsets are into the whole text.
struct Argument {
  std::string_view key;  // empty for a positional argument
  std::size_t key_offset = 0;
  std::string_view value;
  std::size_t value_offset = 0;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// [begin, end) of `text` without surrounding whitespace.
std::pair<std::size_t, std::size_t> trim(std::string_view text, std::size_t begin,
                                         std::size_t end) {
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return {begin, end};
}

bool is_name(std::string_view s) {
  if (s.empty() || !is_name_start(s[0])) return false;
  for (char c : s) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

std::string count_words(std::size_t n) {
  switch (n) {
    case 1:
      return "one argument";
    case 2:
      return "two arguments";
    default:
      return std::to_string(n) + " arguments";
  }
}

// The offset of the ')' closing the '(' at `open`, or npos.
std::size_t matching_parenthesis(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

// The first ',' at nesting depth 0 in [begin, end), or `end`.
std::size_t top_level_comma(std::string_view text, std::size_t begin, std::size_t end) {
  int depth = 0;
  for (std::size_t i = begin; i < end; ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')') --depth;
    if (text[i] == ',' && depth == 0) return i;
  }
  return end;
}

class Parser {
 public:
  Parser(std::string_view text, Dimension dim, const DistributionContext& context)
      : text_(text), dim_(dim), context_(context) {}

  DistributionParse run() {
    const auto [begin, end] = trim(text_, 0, text_.size());
    if (begin == end) {
      return fail(begin, "expected a distribution such as exp(mean) or a constant: " +
                             std::string(dimension_example(dim_)));
    }
    if (!is_name_start(text_[begin])) return constant(begin);

    std::size_t name_end = begin;
    while (name_end < end && is_name_char(text_[name_end])) ++name_end;
    const std::string_view name = text_.substr(begin, name_end - begin);
    const Law* law = find_law(name);
    if (law == nullptr) return unknown_law(name, begin);

    std::size_t open = name_end;
    while (open < end && is_space(text_[open])) ++open;
    if (open == end || text_[open] != '(') {
      return fail(open,
                  "expected '(' after '" + std::string(name) + "': " + std::string(law->usage));
    }
    const std::size_t close = matching_parenthesis(text_, open);
    if (close == std::string_view::npos || close >= end) {
      return fail(end, "missing ')': " + std::string(law->usage));
    }
    if (close + 1 != end) return fail(close + 1, "unexpected text after ')'");

    std::vector<Argument> arguments;
    if (!split_arguments(*law, open + 1, close, &arguments)) return std::move(result_);
    if (law->kind == Law::Kind::kFile) return empirical(*law, arguments, close);
    return build(*law, arguments, close);
  }

 private:
  void set_error(std::size_t offset, std::string message) {
    result_.dist.reset();
    result_.error = std::move(message);
    result_.error_offset = offset;
  }

  DistributionParse fail(std::size_t offset, std::string message) {
    set_error(offset, std::move(message));
    return std::move(result_);
  }

  static const Law* find_law(std::string_view name) {
    for (const Law& law : laws()) {
      if (law.name == name) return &law;
    }
    return nullptr;
  }

  DistributionParse unknown_law(std::string_view name, std::size_t offset) {
    std::vector<std::string> names;
    for (const Law& law : laws()) names.emplace_back(law.name);
    const std::string suggestion = did_you_mean(name, names);
    std::string message = "unknown distribution '" + std::string(name) + "'";
    if (!suggestion.empty()) return fail(offset, message + " (did you mean '" + suggestion + "'?)");
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    return fail(offset, message + " (expected one of " + list + ")");
  }

  // A bare quantity: const(quantity).
  DistributionParse constant(std::size_t begin) {
    std::string error;
    std::size_t offset = 0;
    const auto value = parse_quantity(text_, dim_, &error, &offset);
    if (!value) return fail(offset, error);
    if (auto problem = check_constant(*value, dim_)) return fail(begin, problem->message);
    result_.dist = make_constant(*value, dim_);
    return std::move(result_);
  }

  // Splits (open, close) at commas into arguments; false (with result_ set) on a malformed one.
  bool split_arguments(const Law& law, std::size_t first, std::size_t close,
                       std::vector<Argument>* out) {
    const auto [inner_begin, inner_end] = trim(text_, first, close);
    if (inner_begin == inner_end) return true;  // no arguments
    std::size_t start = first;
    for (;;) {
      const std::size_t comma = top_level_comma(text_, start, close);
      const auto [b, e] = trim(text_, start, comma);
      if (b == e) {
        set_error(b, "empty argument: " + std::string(law.usage));
        return false;
      }
      Argument arg;
      const std::size_t eq = text_.substr(b, e - b).find('=');
      if (eq == std::string_view::npos || law.kind == Law::Kind::kFile) {
        arg.value = text_.substr(b, e - b);
        arg.value_offset = b;
      } else {
        const auto [kb, ke] = trim(text_, b, b + eq);
        arg.key = text_.substr(kb, ke - kb);
        arg.key_offset = kb;
        if (!is_name(arg.key)) {
          set_error(kb, "expected an argument name before '=': " + std::string(law.usage));
          return false;
        }
        const auto [vb, ve] = trim(text_, b + eq + 1, e);
        arg.value = text_.substr(vb, ve - vb);
        arg.value_offset = vb;
      }
      out->push_back(arg);
      if (comma == close) return true;
      start = comma + 1;
    }
  }

  static int find_param(const Form& form, std::string_view name) {
    for (std::size_t i = 0; i < form.params.size(); ++i) {
      if (form.params[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }

  // The form with the most of the named keys (the first on ties).
  static const Form& choose_form(const Law& law, const std::vector<Argument>& arguments) {
    const Form* best = &law.forms.front();
    int best_hits = -1;
    for (const Form& form : law.forms) {
      int hits = 0;
      for (const Argument& arg : arguments) hits += find_param(form, arg.key) >= 0 ? 1 : 0;
      if (hits > best_hits) {
        best = &form;
        best_hits = hits;
      }
    }
    return *best;
  }

  DistributionParse unknown_argument(const Law& law, const Form& form,
                                     const std::vector<Argument>& arguments, const Argument& arg) {
    const std::string usage(law.usage);
    const std::string key(arg.key);
    std::vector<std::string> all;
    for (const Form& other : law.forms) {
      for (const Param& p : other.params) all.emplace_back(p.name);
    }
    for (const Form& other : law.forms) {
      if (&other == &form || find_param(other, arg.key) < 0) continue;
      std::string_view chosen = form.params[0].name;  // a key of `form` that was written
      for (const Argument& a : arguments) {
        if (find_param(form, a.key) >= 0) {
          chosen = a.key;
          break;
        }
      }
      return fail(arg.key_offset, std::string(law.name) + " cannot mix '" + std::string(chosen) +
                                      "' and '" + key + "': " + usage);
    }
    const std::string suggestion = did_you_mean(arg.key, all);
    const std::string hint = suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)";
    return fail(arg.key_offset,
                std::string(law.name) + " has no argument '" + key + "'" + hint + ": " + usage);
  }

  DistributionParse build(const Law& law, const std::vector<Argument>& arguments,
                          std::size_t close) {
    const std::string usage(law.usage);
    const std::string name(law.name);
    const Form& form = choose_form(law, arguments);
    const std::size_t n = form.params.size();
    std::vector<const Argument*> slots(n, nullptr);
    std::size_t positional = 0;
    bool any_named = false;
    for (const Argument& arg : arguments) {
      if (arg.key.empty()) {
        if (law.named_only)
          return fail(arg.value_offset, name + " needs named arguments: " + usage);
        if (any_named) {
          return fail(arg.value_offset, "positional argument after a named one: " + usage);
        }
        if (positional == n)
          return fail(arg.value_offset, name + " takes " + count_words(n) + ": " + usage);
        slots[positional++] = &arg;
        continue;
      }
      any_named = true;
      const int index = find_param(form, arg.key);
      if (index < 0) return unknown_argument(law, form, arguments, arg);
      if (slots[static_cast<std::size_t>(index)] != nullptr) {
        return fail(arg.key_offset,
                    name + " argument '" + std::string(arg.key) + "' given twice: " + usage);
      }
      slots[static_cast<std::size_t>(index)] = &arg;
    }

    std::vector<double> values(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string param(form.params[i].name);
      if (slots[i] == nullptr) {
        if (!any_named) return fail(close, name + " takes " + count_words(n) + ": " + usage);
        return fail(close, name + " is missing argument '" + param + "': " + usage);
      }
      const Dimension dim = form.params[i].plain_number ? Dimension::kNumber : dim_;
      std::string error;
      std::size_t offset = 0;
      // Negative values too: the law's check states its own bound ("exp mean must be > 0"),
      // the same for -5ms as for 0ms.
      const auto value = parse_quantity(slots[i]->value, dim, &error, &offset, true);
      if (!value) return fail(slots[i]->value_offset + offset, name + " " + param + ": " + error);
      values[i] = *value;
    }
    if (auto problem = form.check(values, dim_)) {
      const int index = find_param(form, problem->argument);
      const std::size_t offset =
          index >= 0 ? slots[static_cast<std::size_t>(index)]->value_offset : close;
      return fail(offset, problem->message);
    }
    // A quantity the law's check let through negative: the reader's own rule.
    for (std::size_t i = 0; i < n; ++i) {
      if (form.params[i].plain_number || values[i] >= 0) continue;
      std::string error;
      std::size_t offset = 0;
      (void)parse_quantity(slots[i]->value, dim_, &error, &offset);
      return fail(slots[i]->value_offset + offset,
                  name + " " + std::string(form.params[i].name) + ": " + error);
    }
    result_.dist = form.make(values, dim_);
    return std::move(result_);
  }

  // empirical(file): reads the sample file now; its problems are reported at the file name.
  DistributionParse empirical(const Law& law, const std::vector<Argument>& arguments,
                              std::size_t close) {
    const std::string usage(law.usage);
    if (arguments.size() != 1) {
      const std::size_t at = arguments.size() > 1 ? arguments[1].value_offset : close;
      return fail(at, "empirical takes one file name: " + usage);
    }
    const Argument& file = arguments[0];
    const std::filesystem::path written(file.value);
    const std::filesystem::path path = written.is_absolute() || context_.base_directory.empty()
                                           ? written
                                           : context_.base_directory / written;
    SampleFile samples = read_sample_file(path, dim_);
    if (!samples.error.empty()) return fail(file.value_offset, "empirical: " + samples.error);
    result_.dist =
        make_empirical(std::move(samples.values), "empirical(" + std::string(file.value) + ")");
    return std::move(result_);
  }

  std::string_view text_;
  Dimension dim_;
  const DistributionContext& context_;
  DistributionParse result_;
};

}  // namespace

DistributionParse parse_distribution(std::string_view text, Dimension dim,
                                     const DistributionContext& context) {
  return Parser(text, dim, context).run();
}

}  // namespace sdsim
