#pragma once
// Reading the examples' data sets: numeric text tables, with errors that name the file and line.

#include <cstddef>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace examples {

/// A numeric table read from a text file: one row per non-empty line, values separated by commas
/// or whitespace. `skip_lines` leading lines (a header) are ignored. Every row must have as many
/// values as the first. Throws std::runtime_error naming the file (and line) when the file is
/// missing, empty or malformed.
/// Usage: `Eigen::MatrixXd table = examples::read_table(HPO_EXAMPLES_DIR "/data/digits.csv");`
inline Eigen::MatrixXd read_table(const std::string& path, std::size_t skip_lines = 0) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open data file " + path + " (run from a checkout that has examples/data/)");
  std::vector<double> values;
  std::size_t columns = 0, rows = 0, line_number = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_number;
    if (line_number <= skip_lines) continue;
    for (char& c : line)
      if (c == ',') c = ' ';
    std::istringstream fields(line);
    std::size_t count = 0;
    std::string field;
    while (fields >> field) {
      std::size_t used = 0;
      double value = 0.0;
      try {
        value = std::stod(field, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != field.size())
        throw std::runtime_error(path + ":" + std::to_string(line_number) + ": \"" + field + "\" is not a number");
      values.push_back(value);
      ++count;
    }
    if (count == 0) continue;
    if (columns == 0) columns = count;
    if (count != columns)
      throw std::runtime_error(path + ":" + std::to_string(line_number) + ": " + std::to_string(count) +
                               " values where the first row has " + std::to_string(columns));
    ++rows;
  }
  if (rows == 0) throw std::runtime_error("data file " + path + " holds no rows");
  Eigen::MatrixXd table(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(columns));
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < columns; ++c)
      table(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = values[r * columns + c];
  return table;
}

/// Features and targets: the last column of a table is the target (a label or a real value).
struct Dataset {
  Eigen::MatrixXd features;
  Eigen::VectorXd targets;
};

inline Dataset split_last_column(const Eigen::MatrixXd& table) {
  return {table.leftCols(table.cols() - 1), table.col(table.cols() - 1)};
}

/// The digits data: 1797 images of 64 pixels (0-16) and labels 0-9.
inline Dataset load_digits(const std::string& directory = HPO_EXAMPLES_DIR "/data") {
  return split_last_column(read_table(directory + "/digits.csv"));
}

/// The breast-cancer data: 569 rows of 30 features and labels (0 malignant, 1 benign).
inline Dataset load_breast_cancer(const std::string& directory = HPO_EXAMPLES_DIR "/data") {
  return split_last_column(read_table(directory + "/breast_cancer.csv", 1));
}

/// The diabetes data: 442 rows of 10 raw features and a real-valued disease-progression target.
inline Dataset load_diabetes(const std::string& directory = HPO_EXAMPLES_DIR "/data") {
  Dataset data{read_table(directory + "/diabetes_data.txt"), {}};
  const Eigen::MatrixXd target = read_table(directory + "/diabetes_target.txt");
  if (target.rows() != data.features.rows() || target.cols() != 1)
    throw std::runtime_error(directory + "/diabetes_target.txt: expected " + std::to_string(data.features.rows()) +
                             " single values, found " + std::to_string(target.rows()) + " rows of " +
                             std::to_string(target.cols()));
  data.targets = target.col(0);
  return data;
}

}  // namespace examples
